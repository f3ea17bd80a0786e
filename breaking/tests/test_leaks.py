"""Nothing of live coverage readers may not see reaches a public response: not a draft live story
or one scheduled to start later, nor their updates, their ticker items or an update posted for a
later time; a removed update's words appear nowhere. Every public URL is read whole."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.tests.factories import make_author
from breaking.models import LiveStory

from .factories import make_live_story, make_ticker_item, make_update

pytestmark = pytest.mark.django_db

# Each hidden story's word, in its headline, slug, summary, updates and ticker item.
HIDDEN = {"draft": "Zanzibar", "scheduled": "Yokohama"}


def leaks(text):
    secrets = []
    for word in [*HIDDEN.values(), "Xochimilco"]:
        secrets += [f"{word} floods", f"{word.lower()}-floods", f"{word} rescue boats", f"{word} live flash"]
    secrets += ["Walvis retracted figure", "Quill Secretary"]
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def coverage(fresh_cache):
    public = make_live_story(headline="Storm hits the coast", slug="storm", summary="Public summary.")
    make_update(public, title="Landfall", body="<p>Public words.</p>")
    make_update(public, body="<p>Walvis retracted figure.</p>", deleted_at=timezone.now())
    make_update(public, title="Xochimilco floods", posted_at=timezone.now() + timedelta(hours=1))
    make_ticker_item(text="Storm live flash", live_story=public)
    states = {
        "draft": {"status": LiveStory.Status.DRAFT},
        "scheduled": {"starts_at": timezone.now() + timedelta(days=1)},
    }
    hidden = {}
    for state, word in HIDDEN.items():
        story = make_live_story(headline=f"{word} floods", summary=f"{word} rescue boats", **states[state])
        story.authors.set([make_author(name="Quill Secretary")])
        make_update(story, title=f"{word} floods", body=f"<p>{word} rescue boats</p>", key_event=True)
        make_ticker_item(text=f"{word} live flash", live_story=story)
        hidden[state] = story
    return hidden


PUBLIC_PAGES = [
    ("/live/storm/", 200, ["Landfall", "Public words.", "This update was removed", "LiveBlogPosting"]),
    ("/live/storm/updates.json", 200, ["Landfall"]),
    ("/live/storm/feed/", 200, ["Landfall"]),
    ("/live/storm/feed/atom/", 200, ["Landfall"]),
    ("/ticker.json", 200, ["Storm live flash"]),
    ("/", 200, ["Storm live flash"]),
    ("/api/v1/ticker/", 200, ["Storm live flash"]),
    ("/sitemap.xml", 200, ["/sitemap-live.xml"]),
    ("/sitemap-live.xml", 200, ["/live/storm/"]),
    *[
        (f"/live/{word.lower()}-floods/{suffix}", 404, [])
        for word in HIDDEN.values()
        for suffix in ["", "updates.json", "feed/", "feed/atom/", "?page=2"]
    ],
]


@pytest.mark.parametrize(("url", "status", "shown"), PUBLIC_PAGES, ids=[url for url, _, _ in PUBLIC_PAGES])
def test_hidden_live_coverage_reaches_no_public_page(client, coverage, url, status, shown):
    response = client.get(url)

    assert response.status_code == status
    text = response.content.decode()
    for proof in shown:
        assert proof in text
    assert leaks(text) == []


def test_hidden_live_coverage_reaches_no_part_of_the_sitemap(client, coverage):
    index = client.get("/sitemap.xml").content.decode()
    parts = [client.get(part) for part in re.findall(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)]
    text = "".join(part.content.decode() for part in parts)
    assert "/live/storm/" in text
    assert leaks(text) == []


def test_a_story_taken_back_to_draft_is_gone_from_every_page(client, coverage):
    story = LiveStory.objects.get(slug="storm")
    story.status = LiveStory.Status.DRAFT
    story.save()
    for url in ["/live/storm/", "/live/storm/updates.json", "/live/storm/feed/"]:
        assert client.get(url).status_code == 404
    assert "Storm live flash" not in client.get("/ticker.json").text
    assert "/live/storm/" not in client.get("/sitemap-live.xml").text
