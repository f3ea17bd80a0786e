import pytest
from django.utils import timezone

from articles.tests.factories import make_user
from breaking import services
from breaking.models import LiveStory

from .factories import make_live_story

pytestmark = pytest.mark.django_db


def test_live_pages_are_in_the_sitemap_dated_by_their_latest_update(client):
    story = make_live_story(slug="storm")
    make_live_story(slug="not-yet", status=LiveStory.Status.DRAFT)
    services.post_update(story=story, user=make_user("Editor"), title="Landfall")

    index = client.get("/sitemap.xml").text
    part = client.get("/sitemap-live.xml").text

    assert "<loc>http://testserver/sitemap-live.xml</loc>" in index
    today = timezone.localdate().isoformat()
    assert f"<url><loc>http://testserver/live/storm/</loc><lastmod>{today}</lastmod></url>" in part
    assert "not-yet" not in part
