"""What breaking-news changes make stale in the page cache, with the cache switched on as in
production: posting an update refreshes its live page, feeds, poll endpoint and the pages that
list the story with its latest update's time (its section, the ticker, the home page, the
sitemaps, the API's ticker), and leaves every other cached page as it is; a coverage end coming
takes the "LIVE" label off them all with no write."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import make_article, make_section, make_user
from articles.tests.test_sitemaps import read_index
from breaking import services
from breaking.invalidation import next_due
from breaking.models import LiveStory
from frontpage.tests.factories import pin
from newsroom.dates import when

from .factories import make_live_story, make_ticker_item, make_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.fixture
def clock():
    """Time stands still: the purge log is read again only when a purge says so, so a page served
    from the cache costs no query however slowly the test runs."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(clock):
    weather = make_section(name="Weather", slug="weather")
    energy = make_section(name="Energy", slug="energy")
    storm = make_live_story(headline="Storm hits the coast", slug="storm", section=weather)
    other = make_live_story(headline="Election night", slug="election", section=energy)
    make_update(storm, title="Warning issued", posted_at=NOW - timedelta(minutes=30))
    make_update(other, title="Polls open")
    make_article(headline="Oil falls", slug="oil-falls", section=weather)
    make_article(headline="Coal slumps", slug="coal-slumps", section=energy)
    make_ticker_item(text="Follow the storm", live_story=storm)
    return storm


# The pages that show the storm's latest update's time: its live page, poll endpoint and feeds,
# the sitemaps, its section's page, the home page (which lists it as live, placed there or not)
# and the ticker (which links to it) with the API's.
STALE = [
    "/",
    "/live/storm/",
    "/live/storm/updates.json",
    "/live/storm/feed/",
    "/live/storm/feed/atom/",
    "/sitemap.xml",
    "/sitemap-live.xml",
    "/sections/weather/",
    "/ticker.json",
    "/api/v1/ticker/",
]
FRESH = [
    "/live/election/",
    "/live/election/updates.json",
    "/live/election/feed/",
    "/articles/oil-falls/",
    "/articles/coal-slumps/",
    "/sections/energy/",
    "/archive/",
    "/feeds/latest/",
]


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "live-now"])
def test_posting_an_update_makes_stale_only_the_pages_showing_its_story_s_latest_time(
    client, scene, django_capture_on_commit_callbacks, renders, pinned
):
    if pinned:
        pin(scene, starts_at=NOW - timedelta(hours=1))
    stale = STALE
    # The articles' sitemap part, as the index names it: its number follows the articles' ids,
    # which on PostgreSQL earlier tests have used up.
    fresh = FRESH + [part for part, _ in read_index(client) if part.startswith("/sitemap-articles")]
    assert len(fresh) == len(FRESH) + 1
    for url in stale + fresh:
        assert client.get(url).status_code == 200, url
    renders.clear()
    for url in stale + fresh:
        client.get(url)
    assert renders == [], "every page is served from the cache"

    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(story=scene, user=make_user("Editor"), title="Landfall at Port Ellis")

    for url in stale + fresh:
        assert client.get(url).status_code == 200, url
    assert sorted(renders) == sorted(stale)
    latest = when(update.posted_at)
    assert "Landfall at Port Ellis" in client.get("/live/storm/").text
    assert "Landfall at Port Ellis" in client.get("/live/storm/updates.json").text
    assert "Landfall at Port Ellis" in client.get("/live/storm/feed/").text
    assert latest in live_card(client.get("/sections/weather/").text)
    assert client.get("/ticker.json").json()["items"][0]["live"]["shown"] == latest
    api_item = client.get("/api/v1/ticker/").json()["results"][0]
    assert datetime.fromisoformat(api_item["latest_update_at"]) == update.posted_at
    # A page left in the cache is served with the ticker as it is now.
    assert f"{latest}</time>" in ticker_bar(client.get("/articles/coal-slumps/").text)
    home = client.get("/").text
    assert latest in live_card(home)
    assert home.count("Storm hits the coast") == 1


def live_card(html, headline="Storm hits the coast"):
    """The live card of the story with ``headline``, or None."""
    for card in re.findall(r'<article class="card live-card">(.*?)</article>', html, re.DOTALL):
        if headline in card:
            return card
    return None


def ticker_bar(html):
    return re.search(r'<section class="ticker"[^>]*>(.*?)</section>', html, re.DOTALL).group(1)


def test_a_placed_live_story_made_live_or_starting_shows_on_the_cached_home_page(
    client, clock, django_capture_on_commit_callbacks
):
    make_article(headline="Oil falls")
    draft = make_live_story(headline="Draft storm", slug="draft-storm", status=LiveStory.Status.DRAFT)
    later = make_live_story(headline="Later storm", slug="later-storm", starts_at=NOW + timedelta(minutes=5))
    pin(draft, starts_at=NOW - timedelta(hours=1), position=1)
    pin(later, starts_at=NOW - timedelta(hours=1), position=2)
    assert "storm" not in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        draft.status = LiveStory.Status.LIVE
        draft.save()
    assert "Draft storm" in client.get("/").text
    assert "Later storm" not in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=5))
    assert "Later storm" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        draft.status = LiveStory.Status.ENDED
        draft.save()
    assert "Draft storm" not in client.get("/").text


@pytest.mark.parametrize("change", ["edit", "remove"])
def test_editing_or_removing_an_update_refreshes_its_page_in_place(
    client, scene, django_capture_on_commit_callbacks, renders, change
):
    editor = make_user("Editor")
    update = services.post_update(story=scene, user=editor, title="Ten dead")
    assert "Ten dead" in client.get("/live/storm/updates.json").text
    client.get("/live/election/")

    with django_capture_on_commit_callbacks(execute=True):
        if change == "edit":
            update.title = "Twelve dead"
            services.record_edit(update=update, user=editor)
        else:
            services.remove_update(update=update, user=editor)

    polled = client.get("/live/storm/updates.json").json()["updates"]
    entry = next(entry for entry in polled if entry["id"] == update.pk)
    if change == "edit":
        assert "Twelve dead" in entry["html"] and "Edited" in entry["html"]
    else:
        assert entry["deleted"] and "Ten dead" not in entry["html"]
    renders.clear()
    client.get("/live/election/")
    assert renders == []  # served from the cache (with the ticker, which links to the storm, as it is now)


def test_ending_a_story_refreshes_its_page_and_the_ticker(client, scene, django_capture_on_commit_callbacks):
    client.get("/live/storm/")
    client.get("/ticker.json")
    with django_capture_on_commit_callbacks(execute=True):
        scene.status = LiveStory.Status.DRAFT
        scene.save()
    assert client.get("/live/storm/").status_code == 404
    assert "Follow the storm" not in client.get("/ticker.json").text


def test_a_scheduled_live_story_appears_at_its_start_with_no_write(client):
    with time_machine.travel(NOW, tick=False) as traveller:
        story = make_live_story(slug="later", starts_at=NOW + timedelta(minutes=5))
        make_ticker_item(text="Coming up", live_story=story)
        assert client.get("/live/later/").status_code == 404
        assert "Coming up" not in client.get("/ticker.json").text
        traveller.move_to(NOW + timedelta(minutes=5))
        assert client.get("/live/later/").status_code == 200
        assert "Coming up" in client.get("/ticker.json").text


def test_a_live_story_stops_showing_as_live_at_its_coverage_end_with_no_write(
    client, scene, clock, django_capture_on_commit_callbacks, settings
):
    settings.EDGE_CACHE_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        scene.ends_at = NOW + timedelta(minutes=5)
        scene.save()
    pages = ["/", "/sections/weather/", "/live/storm/", "/ticker.json", "/api/v1/ticker/", "/articles/coal-slumps/"]
    before = {url: client.get(url) for url in pages}
    assert live_card(before["/"].text) and live_card(before["/sections/weather/"].text)
    assert "<title>Live:" in before["/live/storm/"].text
    assert before["/ticker.json"].json()["items"][0]["live"] is not None
    assert before["/api/v1/ticker/"].json()["results"][0]["live"] is True
    assert 'class="live-label live"' in ticker_bar(before["/articles/coal-slumps/"].text)
    # Edges keep what shows the story as live no later than its coverage end.
    assert "s-maxage=300" in before["/"]["Cache-Control"]

    clock.move_to(NOW + timedelta(minutes=5))
    after = {url: client.get(url) for url in pages}

    assert live_card(after["/"].text) is None and "Storm hits the coast" not in after["/"].text
    assert live_card(after["/sections/weather/"].text) is None
    assert '<span class="live-label ended">Ended</span>' in after["/live/storm/"].text
    assert after["/ticker.json"].json()["items"][0]["live"] is None
    assert after["/api/v1/ticker/"].json()["results"][0]["live"] is False
    assert 'class="live-label live"' not in ticker_bar(after["/articles/coal-slumps/"].text)
    assert client.get("/live/storm/updates.json").json()["status"] == "ended"


def test_the_next_instant_is_the_earliest_ticker_item_story_start_or_end_or_update_time():
    with time_machine.travel(NOW, tick=False):
        assert next_due() is None
        make_ticker_item(text="Polls close", starts_at=NOW - timedelta(minutes=1), expires_at=NOW + timedelta(hours=3))
        assert next_due() == (NOW + timedelta(hours=3)).timestamp()
        make_ticker_item(text="Results", starts_at=NOW + timedelta(hours=2))
        assert next_due() == (NOW + timedelta(hours=2)).timestamp()
        make_live_story(status=LiveStory.Status.DRAFT, starts_at=NOW + timedelta(minutes=5))
        story = make_live_story(starts_at=NOW + timedelta(hours=1))
        assert next_due() == (NOW + timedelta(hours=1)).timestamp()
        make_update(story, posted_at=NOW + timedelta(minutes=30))
        assert next_due() == (NOW + timedelta(minutes=30)).timestamp()
        make_live_story(status=LiveStory.Status.ENDED, ends_at=NOW + timedelta(minutes=10))  # over already
        assert next_due() == (NOW + timedelta(minutes=30)).timestamp()
        make_live_story(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(minutes=20))
        assert next_due() == (NOW + timedelta(minutes=20)).timestamp()


def test_the_next_instant_is_read_from_indexes():
    """Each query starts an index at now (SQLite: SEARCH, PostgreSQL: an Index Cond)."""
    with CaptureQueriesContext(connection) as queries:
        next_due()
    assert len(queries) == 5
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + query["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert ("SEARCH" if connection.vendor == "sqlite" else "Index Cond") in plan, (query["sql"], plan)


def test_posting_purges_the_live_tags_for_the_edge_too(client, scene, django_capture_on_commit_callbacks):
    response = client.get("/live/storm/updates.json")
    assert f"live:{scene.pk}" in response["Surrogate-Key"].split()
    assert reverse("breaking:live-updates", args=["storm"]) == "/live/storm/updates.json"
    assert timezone.now()
