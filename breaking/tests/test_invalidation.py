"""What breaking-news changes make stale in the page cache, with the cache switched on as in
production: posting an update refreshes its live page, feeds, poll endpoint and the lists of
live stories, and leaves every other cached page as it is."""

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
    section = make_section(name="Weather", slug="weather")
    storm = make_live_story(headline="Storm hits the coast", slug="storm", section=section)
    other = make_live_story(headline="Election night", slug="election")
    make_update(storm, title="Warning issued")
    make_update(other, title="Polls open")
    make_article(headline="Oil falls", slug="oil-falls", section=section)
    make_ticker_item(text="Follow the storm", live_story=storm)
    return storm


STALE = [
    "/live/storm/",
    "/live/storm/updates.json",
    "/live/storm/feed/",
    "/live/storm/feed/atom/",
    "/sitemap.xml",
    "/sitemap-live.xml",
]
FRESH = [
    "/live/election/",
    "/live/election/updates.json",
    "/live/election/feed/",
    "/",
    "/articles/oil-falls/",
    "/sections/weather/",
    "/archive/",
    "/feeds/latest/",
    "/ticker.json",
]


def test_posting_an_update_makes_stale_only_its_live_page_feeds_and_live_lists(
    client, scene, django_capture_on_commit_callbacks
):
    # The articles' sitemap part, as the index names it: its number follows the articles' ids,
    # which on PostgreSQL earlier tests have used up.
    fresh = FRESH + [part for part, _ in read_index(client) if part.startswith("/sitemap-articles")]
    assert len(fresh) == len(FRESH) + 1
    for url in STALE + fresh:
        assert client.get(url).status_code == 200, url
        assert queries_for(client, url)[1] == 0, url

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(story=scene, user=make_user("Editor"), title="Landfall at Port Ellis")

    for url in fresh:
        assert queries_for(client, url)[1] == 0, f"{url} was made stale"
    for url in STALE:
        _response, queries = queries_for(client, url)
        assert queries > 0, f"{url} was not made stale"
    assert "Landfall at Port Ellis" in client.get("/live/storm/").text
    assert "Landfall at Port Ellis" in client.get("/live/storm/updates.json").text
    assert "Landfall at Port Ellis" in client.get("/live/storm/feed/").text


@pytest.mark.parametrize("change", ["edit", "remove"])
def test_editing_or_removing_an_update_refreshes_its_page_in_place(
    client, scene, django_capture_on_commit_callbacks, change
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
    assert queries_for(client, "/live/election/")[1] == 0


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


def test_the_next_instant_is_the_earliest_ticker_item_story_start_or_update_time():
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


def test_the_next_instant_is_read_from_indexes():
    """Each query starts an index at now (SQLite: SEARCH, PostgreSQL: an Index Cond)."""
    with CaptureQueriesContext(connection) as queries:
        next_due()
    assert len(queries) == 4
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
