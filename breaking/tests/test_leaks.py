"""Nothing of live coverage readers may not see reaches a public response: not a draft live story
or one scheduled to start later, nor their updates, their ticker items or an update posted for a
later time; a removed update's words appear nowhere, even where an editor placed the story on
the home page. Every public URL is read whole. An ended story stays public, but shows as live
nowhere."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import make_article, make_author, make_section, make_user
from breaking.models import LiveStory, LiveUpdate
from breaking.services import remove_update
from frontpage.tests.factories import make_lead, pin
from newsroom import cache
from newsroom.renditions import responsive_image
from newsroom.tests.uploads import jpeg_upload

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
    weather = make_section(name="Weather", slug="weather")
    make_article(headline="Rain tomorrow", section=weather)
    public = make_live_story(headline="Storm hits the coast", slug="storm", summary="Public summary.", section=weather)
    pin(public)
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
        story = make_live_story(
            headline=f"{word} floods", summary=f"{word} rescue boats", section=weather, **states[state]
        )
        make_lead(story)  # an editor's choice does not make it public
        pin(story)
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
    ("/", 200, ["Storm live flash", "Storm hits the coast"]),
    ("/sections/weather/", 200, ["Storm hits the coast", "Rain tomorrow"]),
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


def test_an_ended_story_shows_as_live_nowhere(client, fresh_cache):
    weather = make_section(name="Weather", slug="weather")
    make_article(headline="Rain tomorrow", section=weather)
    ended = make_live_story(headline="Storm passes", slug="storm-passes", section=weather)
    make_update(ended, title="All clear")
    make_lead(ended)
    make_ticker_item(text="The storm has passed", live_story=ended)
    ended.status = LiveStory.Status.ENDED
    ended.save()

    home = client.get("/").text
    section = client.get("/sections/weather/").text
    ticker = client.get("/ticker.json").json()["items"]

    assert client.get("/live/storm-passes/").status_code == 200
    assert "Storm passes" not in home and "Storm passes" not in section
    assert 'class="live-label live"' not in home and 'class="live-label live"' not in section
    assert '<a href="/live/storm-passes/">The storm has passed</a>' in home
    assert [(item["text"], item["live"]) for item in ticker] == [("The storm has passed", None)]


# Images: a live update's image and its renditions are served only while the update is public.


def image_addresses(update):
    """The image's address and its renditions', as the live page links to them."""
    image = responsive_image(update.image, update.image_width, update.image_height)
    return [update.image.url, *(entry.split()[0] for entry in image.webp_srcset.split(", "))]


def make_update_with_image(story, **fields):
    return make_update(story, image=jpeg_upload("boats.jpg", width=900, height=600), image_alt="Boats", **fields)


HIDDEN_UPDATES = {
    "of a draft story": ({"status": LiveStory.Status.DRAFT}, {}),
    "of a scheduled story": ({"starts_at": timezone.now() + timedelta(days=1)}, {}),
    "removed": ({}, {"deleted_at": timezone.now()}),
    "posted for later": ({}, {"posted_at": timezone.now() + timedelta(hours=1)}),
}


@pytest.mark.parametrize("state", list(HIDDEN_UPDATES))
def test_a_hidden_update_s_image_and_renditions_are_not_served_at_their_address(client, media_root, fresh_cache, state):
    story_fields, update_fields = HIDDEN_UPDATES[state]
    update = make_update_with_image(make_live_story(**story_fields), **update_fields)
    make_update_with_image(make_live_story())  # a public one, whose image is served

    for url in image_addresses(update):
        response = client.get(url)
        assert (response.status_code, response["Cache-Control"]) == (404, "no-store"), url


def test_an_update_s_image_is_served_while_the_update_is_public_and_not_after(
    client, media_root, fresh_cache, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr(cache, "_write_purge", purged.append)
    story = make_live_story(status=LiveStory.Status.DRAFT)
    update = make_update_with_image(story)
    urls = image_addresses(update)
    assert {client.get(url).status_code for url in urls} == {404}

    with django_capture_on_commit_callbacks(execute=True):
        story.status = LiveStory.Status.LIVE
        story.save()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=3600, s-maxage=0"
        assert response["Surrogate-Key"] == response["Cache-Tag"] == f"live:{story.pk}"

    for change in ("removed", "story back to draft"):
        purged.clear()
        with django_capture_on_commit_callbacks(execute=True):
            if change == "removed":
                remove_update(update=update, user=None)
            else:
                LiveUpdate.objects.filter(pk=update.pk).update(deleted_at=None)
                story.status = LiveStory.Status.DRAFT
                story.save()
        assert {client.get(url).status_code for url in urls} == {404}, change
        # The tag its public responses carry, which edge caches holding the image are sent.
        assert any(f"live:{story.pk}" in tags for tags in purged), change


@pytest.mark.parametrize(
    ("role", "posted_by_them"), [("Editor", False), ("Reporter", True), ("Reporter", False)], ids=str
)
def test_the_admin_shows_a_draft_story_s_update_image_through_signed_addresses(
    login, media_root, fresh_cache, role, posted_by_them
):
    # A reporter may change their own updates and only view others': both forms link to the image.
    staff = login(role)
    story = make_live_story(status=LiveStory.Status.DRAFT)
    poster = staff.session["_auth_user_id"] if posted_by_them else make_user("Reporter").pk
    update = make_update_with_image(story, posted_by_id=poster)
    other = make_update_with_image(story)

    page = staff.get(reverse("admin:breaking_liveupdate_change", args=[update.pk]))
    assert page.status_code == 200
    addresses = [
        address.replace("&amp;", "&")
        for address in re.findall(rf'href="({re.escape(update.image.url)}[^"]*)"', page.content.decode())
    ]
    assert addresses and all("?preview=" in address for address in addresses)

    anonymous = Client()
    assert anonymous.get(update.image.url).status_code == 404
    for address in addresses:
        response = anonymous.get(address)
        assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store"), address
        assert anonymous.get(other.image.url + address[address.index("?") :]).status_code == 404
