import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.tests.standards import atom_problems

from .factories import make_live_story, make_update

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def test_feed_lists_published_updates_newest_first_with_links_into_the_page(client):
    story = make_live_story(slug="storm", headline="Storm hits the coast")
    first = make_update(story, title="Warning issued", posted_at=hours_ago(2))
    make_update(story, title="Withdrawn", deleted_at=timezone.now(), posted_at=hours_ago(1))
    latest = make_update(story, body="<p>The eye is over <strong>Port Ellis</strong>.</p>", posted_at=hours_ago(0.5))

    rss = client.get("/live/storm/feed/").text

    assert "<title>Newsroom: Storm hits the coast (live)</title>" in rss
    assert re.findall(r"<item><title>(.*?)</title>", rss) == ["The eye is over Port Ellis.", "Warning issued"]
    assert f"<link>http://testserver/live/storm/#update-{latest.pk}</link>" in rss
    assert f"http://testserver/live/storm/#update-{first.pk}" in rss
    assert "Withdrawn" not in rss


def test_atom_feed_dates_an_edited_update_by_its_edit(client):
    story = make_live_story(slug="storm")
    edited_at = timezone.now().replace(microsecond=0)
    make_update(story, title="Twelve dead", posted_at=hours_ago(1), edited_at=edited_at)

    atom = client.get("/live/storm/feed/atom/").text

    assert f"<updated>{edited_at.isoformat()}</updated>" in atom
    assert atom_problems(atom.encode()) == [[]]
    assert "<title>Twelve dead</title>" in atom
