"""The read API: what each endpoint answers, its filters and pagination, conditional requests,
the page cache in front of it, its query counts, and that it writes nothing."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Section
from articles.tests.factories import make_article, make_author, make_correction, make_section, make_user
from breaking import services
from breaking.models import LiveStory
from breaking.tests.factories import make_live_story, make_ticker_item, make_update

pytestmark = pytest.mark.django_db


def to_milliseconds(moment):
    """A time as the API writes it (JSON keeps milliseconds)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@pytest.fixture
def desk():
    """Two sections, two authors and five public articles an hour apart, newest first: a0 … a4."""
    energy, sport = make_section(name="Energy", slug="energy"), make_section(name="Sport", slug="sport")
    ann, bo = make_author(name="Ann Lee"), make_author(name="Bo Ek")
    now = timezone.now()
    articles = [
        make_article(
            headline=f"Story {n}",
            section=energy if n % 2 == 0 else sport,
            authors=[ann] if n < 3 else [bo],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(5)
    ]
    return {"energy": energy, "sport": sport, "ann": ann, "bo": bo, "articles": articles}


def headlines(response):
    return [item["headline"] for item in response.json()["results"]]


def test_articles_are_listed_newest_first_with_everything_shown(client, desk):
    make_correction(desk["articles"][0], text="A name was wrong.")

    response = client.get("/api/v1/articles/")

    assert response.status_code == 200
    assert headlines(response) == [f"Story {n}" for n in range(5)]
    first = response.json()["results"][0]
    assert first["section"]["slug"] == "energy"
    assert first["bylines"][0]["author"]["name"] == "Ann Lee"
    assert first["corrections"][0]["text"] == "A name was wrong."
    assert first["url"] == "http://testserver/articles/story-0/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=energy", [0, 2, 4]),
        ("section={sport}", [1, 3]),
        ("author=bo-ek", [3, 4]),
        ("author={ann}", [0, 1, 2]),
        ("section=energy&author=ann-lee", [0, 2]),
        ("section=no-such-section", []),
    ],
)
def test_articles_filter_by_section_and_author_by_slug_or_id(client, desk, query, expected):
    query = query.format(sport=desk["sport"].pk, ann=desk["ann"].pk)
    assert headlines(client.get(f"/api/v1/articles/?{query}")) == [f"Story {n}" for n in expected]


def test_articles_filter_by_publication_time(client, desk):
    times = [article.published_at for article in desk["articles"]]
    after = (times[2] - timedelta(minutes=1)).isoformat()
    before = (times[1] + timedelta(minutes=1)).isoformat()

    response = client.get("/api/v1/articles/", {"published_after": after, "published_before": before})

    assert headlines(response) == ["Story 1", "Story 2"]


def test_a_date_filter_means_the_whole_day(client, desk):
    day = timezone.localdate(desk["articles"][0].published_at)  # the newest story's day, whatever the hour now
    that_day = [article.headline for article in desk["articles"] if timezone.localdate(article.published_at) == day]
    response = client.get(f"/api/v1/articles/?published_before={day.isoformat()}&published_after={day.isoformat()}")
    assert headlines(response) == that_day


def test_updated_since_lists_changes_oldest_first_for_syncing(client, desk):
    since = timezone.now()
    story = Article.objects.get(headline="Story 3")
    story.dek = "Now with a summary"
    story.save()
    newer = Article.objects.get(headline="Story 1")
    newer.save()

    response = client.get("/api/v1/articles/", {"updated_since": since.isoformat()})

    assert headlines(response) == ["Story 3", "Story 1"]


def test_invalid_filter_input_is_a_client_error_not_a_server_error(client, desk):
    assert client.get("/api/v1/articles/?published_after=yesterday").status_code == 422
    assert client.get("/api/v1/articles/?cursor=not-a-cursor").status_code == 400
    assert client.get("/api/v1/articles/?cursor=WzFd").status_code == 400  # a list of the wrong length


def test_cursor_pages_walk_every_article_once_even_when_articles_arrive_meanwhile(client, desk):
    seen = []
    url = "/api/v1/articles/?limit=2&utm_source=mail"
    while url:
        page = client.get(url).json()
        seen += [item["headline"] for item in page["results"]]
        if len(seen) == 2:
            make_article(headline="Breaking meanwhile")  # newer than all: must not shift the pages
        url = page["next"]
        assert url is None or "utm_source" not in url
    assert seen == [f"Story {n}" for n in range(5)]


def test_articles_published_at_the_same_instant_are_not_skipped_between_pages(client):
    moment = timezone.now() - timedelta(hours=1)
    for n in range(5):
        make_article(headline=f"Same time {n}", published_at=moment)
    seen, url = [], "/api/v1/articles/?limit=2"
    while url:
        page = client.get(url).json()
        seen += headlines_of(page)
        url = page["next"]
    assert sorted(seen) == [f"Same time {n}" for n in range(5)]


def headlines_of(page):
    return [item["headline"] for item in page["results"]]


def test_article_by_id_by_slug_and_old_slug(client, desk):
    story = desk["articles"][0]
    assert client.get(f"/api/v1/articles/{story.pk}/").json()["headline"] == "Story 0"
    assert client.get("/api/v1/articles/by-slug/story-0/").json()["id"] == story.pk
    story.slug = "story-zero"
    story.save()
    moved = client.get("/api/v1/articles/by-slug/story-0/")
    assert moved.status_code == 301
    assert moved["Location"] == f"/api/v1/articles/{story.pk}/"


def test_body_is_sanitised_html_or_plain_text_on_request(client):
    article = make_article(
        body='<p>Tom &amp; Jerry <a href="https://x.example/">here</a></p><script>x()</script><p>Two</p>'
    )
    html = client.get(f"/api/v1/articles/{article.pk}/").json()
    text = client.get(f"/api/v1/articles/{article.pk}/?body=text").json()

    assert "<script>" not in html["body"]
    assert html["body"].startswith("<p>Tom &amp; Jerry <a href")
    assert (text["body"], text["body_format"]) == ("Tom & Jerry here\n\nTwo", "text")


def test_authors_sections_corrections_and_ticker(client, desk):
    make_correction(desk["articles"][1], text="Clarified.", kind="clarification")
    make_ticker_item(text="Flash", article=desk["articles"][0])
    make_author(name="Nobody Yet")  # no public article: not listed

    assert [a["name"] for a in client.get("/api/v1/authors/").json()["results"]] == ["Ann Lee", "Bo Ek"]
    assert client.get(f"/api/v1/authors/{desk['ann'].pk}/").json()["slug"] == "ann-lee"
    assert [s["slug"] for s in client.get("/api/v1/sections/").json()["results"]] == ["energy", "sport"]
    assert client.get(f"/api/v1/sections/{desk['sport'].pk}/").json()["name"] == "Sport"
    assert client.get("/api/v1/corrections/").json()["results"][0]["kind"] == "clarification"
    assert client.get("/api/v1/ticker/").json()["results"][0]["text"] == "Flash"


def test_a_ticker_item_linking_to_a_live_story_in_progress_says_it_is_live_with_its_latest_update_time(client):
    now = timezone.now()
    story = make_live_story(slug="storm", starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=1))
    latest = make_update(story, posted_at=now - timedelta(hours=1))
    make_update(story, posted_at=now + timedelta(minutes=30))  # not yet
    quiet = make_live_story(slug="quiet", starts_at=now - timedelta(hours=3))
    past_end = make_live_story(slug="past-end", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(minutes=1))
    ended = make_live_story(slug="ended", status=LiveStory.Status.ENDED, starts_at=now - timedelta(hours=3))
    for priority, linked in enumerate([ended, past_end, quiet, story]):
        make_ticker_item(text=linked.slug, live_story=linked, priority=priority)
    make_ticker_item(text="flash", article=make_article(), priority=-1)

    results = client.get("/api/v1/ticker/").json()["results"]

    shown = [(item["text"], item["live"], item["latest_update_at"], item["live_story_id"]) for item in results]
    assert [(text, live, at and datetime.fromisoformat(at), pk) for text, live, at, pk in shown] == [
        ("storm", True, to_milliseconds(latest.posted_at), story.pk),
        ("quiet", True, to_milliseconds(quiet.starts_at), quiet.pk),  # no update yet: its start, as the bar shows
        ("past-end", False, None, past_end.pk),
        ("ended", False, None, ended.pk),
        ("flash", False, None, None),
    ]
    assert results[0]["url"] == "http://testserver/live/storm/"


def test_the_cached_ticker_is_refreshed_by_an_update_to_a_live_story_it_shows(
    client, page_cache, django_capture_on_commit_callbacks
):
    story = make_live_story(slug="storm")
    make_ticker_item(text="Follow the storm", live_story=story)
    assert client.get("/api/v1/ticker/").json()["results"][0]["latest_update_at"] is not None

    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(story=story, user=make_user("Editor"), title="Landfall")

    item = client.get("/api/v1/ticker/").json()["results"][0]
    assert datetime.fromisoformat(item["latest_update_at"]) == to_milliseconds(update.posted_at)


def test_responses_carry_an_etag_and_answer_304_and_cache_control(client, desk):
    response = client.get("/api/v1/articles/")
    assert response["Cache-Control"] == "public, max-age=0, stale-if-error=86400"
    etag = response["ETag"]

    again = client.get("/api/v1/articles/", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again["ETag"] == etag


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_in_the_api_writes(client, desk, method):
    story = desk["articles"][0]
    for url in ["/api/v1/articles/", f"/api/v1/articles/{story.pk}/"]:
        response = getattr(client, method)(url, {"headline": "Defaced"}, content_type="application/json")
        assert response.status_code == 405
    assert Article.objects.get(pk=story.pk).headline == "Story 0"
    assert Section.objects.count() == 2


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/articles/", 3),  # articles with sections, bylines with authors, corrections
        ("/api/v1/articles/?section=energy&author=ann-lee&limit=2", 3),
        ("/api/v1/articles/{pk}/", 3),
        ("/api/v1/articles/{pk}.ninjs", 3),
        ("/api/v1/authors/", 1),
        ("/api/v1/sections/", 1),
        ("/api/v1/corrections/", 1),
        ("/api/v1/ticker/", 1),
    ],
)
def test_each_endpoint_makes_a_small_constant_number_of_queries(client, desk, django_assert_num_queries, url, queries):
    for article in desk["articles"]:
        make_correction(article)
        make_ticker_item(article=article)
        make_ticker_item(live_story=make_live_story())
    url = url.format(pk=desk["articles"][0].pk)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# The page cache in front of the API


def test_cached_list_is_served_without_queries(client, desk, page_cache, django_assert_num_queries):
    client.get("/api/v1/articles/")
    with django_assert_num_queries(0):
        assert client.get("/api/v1/articles/?utm_source=x").status_code == 200


def test_cached_responses_are_made_stale_by_the_changes_they_show(
    client, desk, page_cache, django_capture_on_commit_callbacks
):
    story = desk["articles"][0]
    detail, listing = f"/api/v1/articles/{story.pk}/", "/api/v1/articles/?section=energy"
    client.get(detail), client.get(listing), client.get("/api/v1/authors/")

    with django_capture_on_commit_callbacks(execute=True):
        story.body = "<p>New body.</p>"
        story.save()
        desk["ann"].name = "Ann Lee-Smith"
        desk["ann"].save()
    assert client.get(detail).json()["body"] == "<p>New body.</p>"
    assert client.get(listing).json()["results"][0]["body"] == "<p>New body.</p>"
    assert client.get(listing).json()["results"][0]["bylines"][0]["author"]["name"] == "Ann Lee-Smith"
    assert "Ann Lee-Smith" in [a["name"] for a in client.get("/api/v1/authors/").json()["results"]]

    with django_capture_on_commit_callbacks(execute=True):
        story.status = Article.Status.DRAFT
        story.save()
    assert client.get(detail).status_code == 404
    assert "Story 0" not in headlines(client.get(listing))


def test_a_scheduled_article_appears_in_the_cached_list_at_its_time(client, desk, page_cache, time_machine):
    scheduled = make_article(headline="Later", published_at=timezone.now() + timedelta(minutes=5))
    assert "Later" not in headlines(client.get("/api/v1/articles/"))
    time_machine.move_to(scheduled.published_at + timedelta(seconds=2))
    assert headlines(client.get("/api/v1/articles/"))[0] == "Later"
