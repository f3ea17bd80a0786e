"""What readers get of breaking news: the ticker bar in every page and /ticker.json, and the live
pages with the endpoint their script polls."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.templatetags.newsroom import machine_time
from articles.tests.factories import make_article, make_author
from breaking.models import LiveStory, TickerItem
from breaking.views import POLLED_UPDATES, TICKER_LENGTH, UPDATES_PER_PAGE, ticker_items
from newsroom.dates import when
from newsroom.tests.sqlite_steps import sqlite_steps
from newsroom.tests.standards import schema_org_problems

from .factories import breaking_news, make_live_story, make_ticker_item, make_update

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


# The ticker


def test_ticker_json_lists_live_items_most_important_first_with_their_links(client):
    story = make_article(slug="refinery-strike")
    make_ticker_item(text="Normal, older", starts_at=hours_ago(3))
    make_ticker_item(text="Normal, newer", starts_at=hours_ago(1), url="https://example.com/live")
    make_ticker_item(text="Urgent", priority=20, article=story, starts_at=hours_ago(2))
    make_ticker_item(text="Not yet", starts_at=timezone.now() + timedelta(minutes=5))
    make_ticker_item(text="Over", starts_at=hours_ago(3), expires_at=hours_ago(2))
    make_ticker_item(text="About a draft", article=make_article(status=Article.Status.DRAFT))

    response = client.get("/ticker.json")

    assert response.status_code == 200
    assert [(item["text"], item["url"], item["priority"]) for item in response.json()["items"]] == [
        ("Urgent", "/articles/refinery-strike/", 20),
        ("Normal, newer", "https://example.com/live", 0),
        ("Normal, older", None, 0),
    ]


def test_ticker_json_may_be_kept_by_browsers_for_fifteen_seconds_at_most(client):
    response = client.get("/ticker.json")
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < max_age <= 15


@pytest.mark.parametrize("items", [1, 50])
def test_ticker_json_takes_one_query_however_many_items(client, django_assert_num_queries, items):
    articles = [make_article(), make_article()]
    stories = [make_live_story(), make_live_story()]
    make_update(stories[0])
    for number in range(items):
        if number % 4 == 1:
            make_ticker_item(live_story=stories[number % 2])
        else:
            make_ticker_item(article=articles[number % 2] if number % 3 else None)

    with django_assert_num_queries(1):
        response = client.get("/ticker.json")

    assert len(response.json()["items"]) == min(items, TICKER_LENGTH)


def test_ticker_shows_the_most_important_items_first_and_at_most_ticker_length(client):
    for number in range(TICKER_LENGTH + 5):
        make_ticker_item(text=f"Normal {number}")
    urgent = make_ticker_item(text="Urgent item", priority=TickerItem.Priority.URGENT)

    shown = client.get("/ticker.json").json()["items"]

    assert len(shown) == TICKER_LENGTH
    assert shown[0]["id"] == urgent.pk
    page = client.get("/").text
    assert page.count("<li data-id=") == TICKER_LENGTH
    assert page.index("Urgent item") < page.index("Normal")


# The live page


def live_page(client, story, **params):
    response = client.get(story.get_absolute_url(), params)
    assert response.status_code == 200
    return response


def test_live_page_shows_pinned_first_then_key_events_then_updates_newest_first(client):
    story = make_live_story(headline="Storm hits the coast", summary="Winds of 150 km/h.")
    first = make_update(story, title="Warning issued", key_event=True, posted_at=hours_ago(3))
    pinned = make_update(story, title="Where to find shelter", pinned=True, posted_at=hours_ago(2))
    latest = make_update(story, title="Landfall", key_event=True, posted_at=hours_ago(1))

    page = live_page(client, story).text

    pinned_at = page.index('<section class="live-pinned"')
    key_events_at = page.index('<nav class="live-key-events"')
    stream_at = page.index("data-stream")
    assert pinned_at < page.index("Where to find shelter", pinned_at) < key_events_at < stream_at
    key_events = page[key_events_at:stream_at]
    assert key_events.index(f'href="#update-{latest.pk}"') < key_events.index(f'href="#update-{first.pk}"')
    stream = page[stream_at:]
    assert stream.index(f'id="update-{latest.pk}"') < stream.index(f'id="update-{pinned.pk}"')
    assert stream.index(f'id="update-{pinned.pk}"') < stream.index(f'id="update-{first.pk}"')
    assert page.count(f'id="update-{pinned.pk}"') == 1  # the pinned copy carries no id


def test_live_page_pages_older_updates_fifty_at_a_time_and_key_events_link_to_their_page(client):
    story = make_live_story()
    oldest = make_update(story, title="The first report", key_event=True, posted_at=hours_ago(5))
    for minutes in range(UPDATES_PER_PAGE):
        make_update(story, posted_at=hours_ago(4) + timedelta(minutes=minutes))

    first_page = live_page(client, story).text
    second_page = live_page(client, story, page=2).text

    assert first_page.count('class="live-update"') == UPDATES_PER_PAGE
    assert 'rel="next" href="?page=2">Older updates</a>' in first_page
    assert f'href="?page=2#update-{oldest.pk}"' in first_page
    assert f'id="update-{oldest.pk}"' in second_page and "data-live-poll" not in second_page
    assert client.get(story.get_absolute_url(), {"page": 3}).status_code == 404


def test_edited_and_removed_updates_say_so(client):
    story = make_live_story()
    make_update(story, body="<p>Now 12 dead.</p>", edited_at=timezone.now())
    make_update(story, body="<p>A wrong figure.</p>", deleted_at=timezone.now())

    page = live_page(client, story).text

    assert "Edited <time" in page
    assert "This update was removed" in page
    assert "A wrong figure." not in page


def test_updates_rendered_once_change_with_every_edit_removal_and_byline(client, fresh_cache):
    # Each update's HTML is kept for what it shows (breaking.views.rendered_updates): whatever
    # changes in it is a new fragment, on the page and in the poll alike, with nothing purged.
    story = make_live_story()
    reporter = make_author(name="Ann Lee")
    edited = make_update(story, body="<p>Five dead.</p>")
    make_update(story, body="<p>Roads closed.</p>", authors=[reporter])
    removed = make_update(story, body="<p>A wrong figure.</p>")
    pinned = make_update(story, body="<p>Pinned note.</p>", pinned=True)

    def shown():
        page = live_page(client, story).text
        polled = "".join(update["html"] for update in client.get(f"/live/{story.slug}/updates.json").json()["updates"])
        return page, polled

    for text in shown():
        assert "Five dead." in text and "A wrong figure." in text and "Ann Lee" in text
    page = shown()[0]
    assert page.count(f'data-id="{pinned.pk}"') == 2  # pinned, and in the stream
    assert page.count(f'id="{pinned.anchor}"') == 1  # the stream's copy is the one linked to

    edited.body, edited.edited_at = "<p>Seven dead.</p>", timezone.now()
    edited.save()
    removed.deleted_at = timezone.now()
    removed.save()
    reporter.name = "Ann Lee-Smith"
    reporter.save()

    for text in shown():
        assert "Seven dead." in text and "Five dead." not in text and "Edited <time" in text
        assert "This update was removed" in text and "A wrong figure." not in text
        assert "Ann Lee-Smith" in text


def test_live_page_carries_live_blog_posting_structured_data(client):
    story = make_live_story(headline="Storm hits the coast")
    update = make_update(story, title="Landfall", body="<p>The eye is over the town.</p>")
    make_update(story, body="<p>Gone.</p>", deleted_at=timezone.now())

    page = live_page(client, story).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))

    assert schema_org_problems(data) == []
    assert data["@type"] == "LiveBlogPosting"
    assert data["headline"] == "Storm hits the coast"
    assert data["coverageStartTime"] == story.starts_at.isoformat()
    assert "coverageEndTime" not in data
    assert [entry["headline"] for entry in data["liveBlogUpdate"]] == ["Landfall"]
    assert data["liveBlogUpdate"][0]["url"].endswith(f"/live/{story.slug}/#update-{update.pk}")


def test_an_ended_story_gives_its_coverage_end_and_is_not_polled(client):
    story = make_live_story(status=LiveStory.Status.ENDED)
    page = live_page(client, story).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["coverageEndTime"] == story.ends_at.isoformat()
    assert "data-live-poll" not in page and "js/live.js" not in page


def test_a_live_story_past_its_coverage_end_shows_as_ended_and_is_not_polled(client):
    story = make_live_story(slug="storm", starts_at=hours_ago(3), ends_at=hours_ago(1))
    page = live_page(client, story).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))

    assert data["coverageEndTime"] == story.ends_at.isoformat()
    assert '<span class="live-label ended">Ended</span> Coverage ended' in page
    assert "<title>Live:" not in page and 'class="live-label live"' not in page
    assert "data-live-poll" not in page and "js/live.js" not in page
    assert client.get(reverse("breaking:live-updates", args=[story.slug])).json()["status"] == "ended"


def test_a_live_story_with_a_coverage_end_to_come_is_live_until_then(client):
    story = make_live_story(slug="storm", ends_at=timezone.now() + timedelta(hours=2))
    page = live_page(client, story).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))

    assert schema_org_problems(data) == []
    assert data["coverageEndTime"] == story.ends_at.isoformat()
    assert "<title>Live:" in page
    assert f'Updated as it happens until <time datetime="{machine_time(story.ends_at)}">' in page
    assert "data-live-poll" in page
    assert client.get(reverse("breaking:live-updates", args=[story.slug])).json()["status"] == "live"


def test_live_page_without_javascript_is_complete_and_loads_only_external_scripts(client):
    story = make_live_story()
    make_update(story, title="Landfall")
    page = live_page(client, story).text
    assert "Landfall" in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all("src=" in attributes or "application/ld+json" in attributes for attributes in scripts)


def test_poll_endpoint_gives_the_newest_updates_as_the_page_shows_them(client):
    story = make_live_story()
    older = make_update(story, title="Older", posted_at=hours_ago(2))
    newer = make_update(story, title="Newer", pinned=True, posted_at=hours_ago(1))
    removed = make_update(story, body="<p>Secret draft words.</p>", deleted_at=timezone.now(), posted_at=hours_ago(3))

    data = client.get(reverse("breaking:live-updates", args=[story.slug])).json()

    assert data["status"] == "live"
    assert [update["id"] for update in data["updates"]] == [newer.pk, older.pk, removed.pk]
    assert data["updates"][0]["pinned"] is True
    assert data["updates"][2]["deleted"] is True
    assert "Secret draft words." not in json.dumps(data)
    assert f'id="update-{newer.pk}"' in data["updates"][0]["html"]


def test_poll_endpoint_answers_an_unchanged_poll_with_304(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = make_live_story()
    make_update(story)
    url = reverse("breaking:live-updates", args=[story.slug])
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert "max-age=0" in first["Cache-Control"]


@pytest.mark.parametrize("updates", [1, 60])
def test_live_page_queries_do_not_grow_with_updates(client, django_assert_num_queries, updates):
    story = make_live_story()
    story.authors.set([make_author()])
    authors = [make_author(), make_author()]
    for number in range(updates):
        make_update(story, authors=authors[: number % 3], key_event=number % 7 == 0, pinned=number == 3)
    # The story with its section; its authors; the order of ids (the count, key events,
    # pinned); the page's updates and their authors; pinned and key events beyond the page and
    # their authors.
    with django_assert_num_queries(8 if updates > UPDATES_PER_PAGE else 6):
        live_page(client, story)


@pytest.mark.parametrize("updates", [1, 60])
def test_poll_endpoint_takes_three_queries_however_many_updates(client, django_assert_num_queries, updates):
    story = make_live_story()
    authors = [make_author(), make_author()]
    for number in range(updates):
        make_update(story, authors=authors[: number % 3])
    with django_assert_num_queries(3):
        response = client.get(reverse("breaking:live-updates", args=[story.slug]))
    assert len(response.json()["updates"]) == min(updates, POLLED_UPDATES)


def test_ticker_links_to_a_live_page(client):
    story = make_live_story(slug="storm")
    make_ticker_item(text="Follow the storm live", live_story=story)
    assert client.get("/ticker.json").json()["items"][0]["url"] == "/live/storm/"
    assert '<a href="/live/storm/">Follow the storm live</a>' in client.get("/").text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's virtual machine steps")
def test_the_ticker_reads_its_items_in_running_order_and_stops_at_the_bar_length():
    """Every page reads the ticker: with hundreds of live items (an import makes them) it reads
    the first TICKER_LENGTH in running order, not every item that has started, then sorts."""
    ticker, now = breaking_news(), timezone.now()

    def add(count, **fields):
        TickerItem.objects.bulk_create(
            TickerItem(ticker=ticker, text=f"Item {number}", starts_at=now - timedelta(minutes=number + 1), **fields)
            for number in range(count)
        )

    def steps():
        items, steps = sqlite_steps(ticker_items)
        assert len(items) == TICKER_LENGTH
        return steps

    add(TICKER_LENGTH)
    few = steps()
    add(600, expires_at=now + timedelta(hours=1))
    assert steps() < 3 * few + 20


def test_a_ticker_item_linking_to_a_live_story_in_progress_shows_live_and_its_latest_update_time(client):
    story = make_live_story(slug="storm", starts_at=hours_ago(2))
    make_update(story, posted_at=hours_ago(1.5))
    latest = make_update(story, posted_at=hours_ago(1))
    make_update(story, posted_at=timezone.now() + timedelta(hours=1))  # not yet
    ended = make_live_story(slug="ended", starts_at=hours_ago(5), status=LiveStory.Status.ENDED, ends_at=hours_ago(4))
    past_end = make_live_story(slug="past-end", starts_at=hours_ago(5), ends_at=hours_ago(1))
    make_ticker_item(text="Follow the storm live", live_story=story, priority=20)
    make_ticker_item(text="Coverage over", live_story=ended, priority=10)
    make_ticker_item(text="Coverage end passed", live_story=past_end, priority=10, starts_at=hours_ago(6))
    make_ticker_item(text="Strike ends", article=make_article(slug="strike"))

    items = client.get("/ticker.json").json()["items"]
    bar = re.search(r'<ul class="ticker-items"[^>]*>(.*?)</ul>', client.get("/").text, re.DOTALL).group(1)

    assert [(item["text"], item["live"]) for item in items] == [
        ("Follow the storm live", {"time": latest.posted_at.isoformat(), "shown": when(latest.posted_at)}),
        ("Coverage over", None),
        ("Coverage end passed", None),
        ("Strike ends", None),
    ]
    assert (
        '<span class="live-label live">Live</span><a href="/live/storm/">Follow the storm live</a> '
        '<span class="live-latest"><span class="visually-hidden">Latest update </span>'
        f'<time datetime="{machine_time(latest.posted_at)}">{when(latest.posted_at)}</time></span>'
    ) in bar
    assert bar.count("live-label") == 1
    assert '<a href="/live/ended/">Coverage over</a></li>' in bar
    assert '<a href="/live/past-end/">Coverage end passed</a></li>' in bar
