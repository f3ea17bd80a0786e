"""The reader's pages of the articles app: an article, a section and the archive."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction, Section
from articles.templatetags.newsroom import machine_time
from articles.views import article_page
from breaking.tests.factories import make_live_story, make_ticker_item, make_update
from newsroom.dates import when
from newsroom.tests.sqlite_steps import sqlite_steps
from newsroom.tests.uploads import image_upload

from .factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

Role = ArticleAuthor.Role


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def add_bylines(article, *credits):
    """Bylines in the given order of (author, role), written last first so that byline order
    is not the order of primary keys."""
    for order, (author, role) in reversed(list(enumerate(credits))):
        ArticleAuthor.objects.create(article=article, author=author, role=role, order=order)


def part(page, pattern):
    """The first match of ``pattern`` in ``page``, whitespace collapsed; "" when there is none."""
    found = re.search(pattern, page, re.DOTALL)
    return " ".join(found.group(1).split()) if found else ""


def headlines(html):
    return re.findall(r'<a href="/articles/[\w-]+/">([^<]+)</a>', html)


def card_headlines(page):
    return re.findall(r'<h3 class="card-title"><a href="/articles/[\w-]+/">([^<]+)</a></h3>', page)


# The article page


def test_article_page_shows_headline_dek_byline_with_roles_credit_line_and_source(client):
    ann, bo, cy = make_author(name="Ann Lee"), make_author(name="Bo Chan"), make_author(name="Cy Diaz")
    article = make_article(
        headline="Oil falls for a third day",
        dek="Brent slid below $70.",
        credit_line="Reuters",
        source_name="Oilprice.com",
        source_url="https://oilprice.com/oil-falls",
    )
    add_bylines(article, (cy, Role.WRITER), (ann, Role.ADDITIONAL_REPORTING), (bo, Role.PHOTOS))

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    assert "<h1>Oil falls for a third day</h1>" in page
    assert '<p class="dek">Brent slid below $70.</p>' in page
    assert part(page, r'<p class="byline">(.*?)</p>') == (
        'By <a href="/authors/cy-diaz/">Cy Diaz</a>, '
        '<a href="/authors/ann-lee/">Ann Lee</a> (additional reporting) and '
        '<a href="/authors/bo-chan/">Bo Chan</a> (photos), <span class="credit">Reuters</span>'
    )
    assert part(page, r'<p class="source">(.*?)</p>') == (
        'Originally published by <a href="https://oilprice.com/oil-falls" rel="nofollow noopener">Oilprice.com</a>'
    )


def test_article_page_credits_wire_copy_without_authors(client):
    article = make_article(credit_line="RFE/RL")
    page = client.get(article.get_absolute_url()).text
    assert part(page, r'<p class="byline">(.*?)</p>') == 'By <span class="credit">RFE/RL</span>'


@override_settings(TIME_ZONE="Europe/Prague")
def test_article_page_shows_times_in_the_newsroom_time_zone_with_iso_datetime_attributes(client):
    published = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    updated = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)
    article = make_article(published_at=published)
    Article.objects.filter(pk=article.pk).update(updated_at=updated)

    page = client.get(article.get_absolute_url()).text

    shown = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', part(page, r'<p class="dates">(.*?)</p>'))
    assert shown == [
        ("2025-01-15T13:00:00+01:00", "15 January 2025, 13:00 CET"),
        ("2025-07-01T11:30:00+02:00", "1 July 2025, 11:30 CEST"),
    ]
    assert [datetime.fromisoformat(attribute) for attribute, _ in shown] == [published, updated]


def test_article_page_leaves_out_an_update_made_just_after_publication(client):
    article = make_article(published_at=timezone.now())
    dates = part(client.get(article.get_absolute_url()).text, r'<p class="dates">(.*?)</p>')
    assert dates.startswith("Published <time")
    assert "Updated" not in dates


def test_article_page_shows_the_lead_image_as_a_picture_with_webp_renditions(client, media_root, fresh_cache):
    article = make_article(
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="A drilling rig at dusk",
        lead_image_caption="The Baytown rig.",
        lead_image_credit="Photo: AP",
    )

    page = client.get(article.get_absolute_url()).text

    picture = part(page, r"<picture>(.*?)</picture>")
    webp = re.fullmatch(
        r'<source type="image/webp" srcset="(/media/renditions/\S+\.webp) 12w" sizes="[^"]+"> (.*)', picture
    )
    assert webp, picture
    assert (media_root / webp.group(1).removeprefix("/media/")).is_file()
    assert webp.group(2) == (
        f'<img src="/media/{article.lead_image.name}" width="12" height="8" alt="A drilling rig at dusk" '
        'fetchpriority="high">'
    )
    assert part(page, r"<figcaption>(.*?)</figcaption>") == 'The Baytown rig. <span class="credit">Photo: AP</span>'


def test_article_page_without_a_lead_image_has_no_picture(client):
    article = make_article()
    assert "<picture>" not in client.get(article.get_absolute_url()).text


def test_article_body_is_shown_sanitised(client):
    article = make_article(
        body='<p onclick="steal()">Safe <strong>words</strong></p><script>alert(1)</script>'
        '<iframe src="https://evil.example/"></iframe><p><a href="javascript:alert(2)">link</a></p>'
    )

    body = part(client.get(article.get_absolute_url()).text, r'<div class="article-body">(.*?)</div>')

    assert "Safe <strong>words</strong>" in body
    for unsafe in ["onclick", "<script", "alert(1)", "<iframe", "javascript:"]:
        assert unsafe not in body


def test_article_page_lists_corrections_oldest_first_with_their_kind_and_time(client):
    article = make_article()
    make_correction(article, kind=Correction.Kind.UPDATE, text="Talks resumed on Friday.", published_at=hours_ago(1))
    make_correction(article, text="The refinery is in Baytown, not Houston.", published_at=hours_ago(3))
    make_correction(make_article(), text="A correction to another story.")

    corrections = part(client.get(article.get_absolute_url()).text, r'<section class="corrections".*?<ol>(.*?)</ol>')

    assert re.findall(
        r"<li><strong>(\w+)</strong>, <time datetime=\"[^\"]+\">[^<]+</time>: ([^<]+)</li>", corrections
    ) == [
        ("Correction", "The refinery is in Baytown, not Houston."),
        ("Update", "Talks resumed on Friday."),
    ]


def test_article_without_corrections_has_no_corrections_section(client):
    article = make_article()
    assert 'class="corrections"' not in client.get(article.get_absolute_url()).text


def navigation(client, article):
    """{"prev": (url, headline), "next": ...} as the article page links them."""
    nav = part(client.get(article.get_absolute_url()).text, r'<nav class="article-nav"[^>]*>(.*?)</nav>')
    return {
        rel: (url, title)
        for rel, url, title in re.findall(r'<a rel="(\w+)" href="([^"]+)"><span>\w+</span> ([^<]+)</a>', nav)
    }


def test_previous_and_next_are_the_public_neighbours_in_publication_order(client):
    oldest = make_article(headline="Oldest", published_at=hours_ago(5))
    make_article(headline="Expired", published_at=hours_ago(4), expires_at=hours_ago(3.5))
    middle = make_article(headline="Middle", published_at=hours_ago(3))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    newest = make_article(headline="Newest", published_at=hours_ago(1))
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(hours=1))

    assert navigation(client, middle) == {
        "prev": ("/articles/oldest/", "Oldest"),
        "next": ("/articles/newest/", "Newest"),
    }
    assert navigation(client, oldest) == {"next": ("/articles/middle/", "Middle")}
    assert navigation(client, newest) == {"prev": ("/articles/middle/", "Middle")}


def test_articles_published_at_the_same_instant_are_neighbours_in_listing_order(client):
    # The importer publishes a whole batch at one instant; listings then order by primary key.
    instant = hours_ago(1)
    first, second, third = (make_article(headline=name, published_at=instant) for name in ["First", "Second", "Third"])

    assert navigation(client, second) == {"prev": ("/articles/first/", "First"), "next": ("/articles/third/", "Third")}
    assert navigation(client, first) == {"next": ("/articles/second/", "Second")}
    assert navigation(client, third) == {"prev": ("/articles/second/", "Second")}


def test_imported_previous_and_next_links_win_when_the_articles_are_public(client):
    story = make_article(headline="Story", published_at=hours_ago(3))
    make_article(headline="Neighbour before", published_at=hours_ago(4))
    make_article(headline="Neighbour after", published_at=hours_ago(2))
    story.previous_article = make_article(headline="Part one", published_at=hours_ago(30))
    story.next_article = make_article(headline="Part three", published_at=hours_ago(1))
    story.save()

    assert navigation(client, story) == {
        "prev": ("/articles/part-one/", "Part one"),
        "next": ("/articles/part-three/", "Part three"),
    }


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"published_at": timezone.now() - timedelta(days=2), "expires_at": timezone.now() - timedelta(days=1)},
    ],
    ids=["draft", "in-review", "scheduled", "expired"],
)
def test_imported_link_to_an_article_readers_cannot_see_gives_way_to_the_neighbour(client, hidden):
    make_article(headline="Neighbour before", published_at=hours_ago(4))
    story = make_article(headline="Story", published_at=hours_ago(3))
    story.previous_article = story.next_article = make_article(headline="Not for readers", **hidden)
    story.save()

    response = client.get(story.get_absolute_url())

    assert navigation(client, story) == {"prev": ("/articles/neighbour-before/", "Neighbour before")}
    assert "Not for readers" not in response.text


def test_more_top_reads_lists_the_five_newest_other_public_articles(client):
    article = make_article(headline="This one", published_at=hours_ago(2))
    for number in range(1, 8):
        make_article(headline=f"Other {number}", published_at=hours_ago(10 - number))
    make_article(headline="A draft", status=Article.Status.DRAFT)
    make_article(headline="Coming soon", published_at=timezone.now() + timedelta(hours=1))

    more = part(client.get(article.get_absolute_url()).text, r'<section class="more-reads".*?<ul>(.*?)</ul>')

    assert headlines(more) == ["Other 7", "Other 6", "Other 5", "Other 4", "Other 3"]


def test_author_box_introduces_each_author_with_a_bio_and_links_to_their_page(client):
    ann = make_author(name="Ann Lee", job_title="Energy correspondent", bio="Ann covers oil markets from Houston.")
    bo = make_author(name="Bo Chan")
    article = make_article(authors=[ann, bo])

    page = client.get(article.get_absolute_url()).text

    [box] = re.findall(r'<aside class="author-box"[^>]*>(.*?)</aside>', page, re.DOTALL)
    assert " ".join(box.split()) == (
        '<h2 class="author-name"><a href="/authors/ann-lee/">Ann Lee</a></h2> '
        '<p class="job-title">Energy correspondent</p> <p>Ann covers oil markets from Houston.</p> '
        '<p><a href="/authors/ann-lee/">More from Ann Lee</a></p>'
    )


@pytest.mark.parametrize("bylines", [1, 50])
def test_article_page_takes_five_queries_however_many_authors_corrections_and_articles(
    client, django_assert_num_queries, bylines
):
    article = make_article(authors=[make_author(bio="A bio.") for _ in range(bylines)], section=make_section())
    article.previous_article = make_article(published_at=hours_ago(30))
    article.save()
    for _ in range(bylines):
        make_correction(article)
        make_article(published_at=hours_ago(2))
        make_ticker_item(article=article)

    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response.text.count('class="author-box"') == bylines


def test_unknown_article_is_a_404(client):
    assert client.get("/articles/no-such-story/").status_code == 404


# The section page


def test_section_page_lists_its_public_articles_newest_first(client):
    energy = make_section(name="Energy", slug="energy", description="Oil, gas and power.")
    make_article(headline="Older energy story", section=energy, published_at=hours_ago(5))
    make_article(headline="Newer energy story", section=energy, published_at=hours_ago(1))
    make_article(headline="Energy draft", section=energy, status=Article.Status.DRAFT)
    make_article(headline="Sport story", section=make_section(name="Sport"))

    response = client.get("/sections/energy/")

    assert response.status_code == 200
    assert "<h1>Energy</h1>" in response.text
    assert '<p class="dek">Oil, gas and power.</p>' in response.text
    assert card_headlines(response.text) == ["Newer energy story", "Older energy story"]


def test_section_page_lists_its_live_stories_in_progress_first_on_its_first_page(client):
    energy = make_section(name="Energy", slug="energy")
    for number in range(21):
        make_article(headline=f"Story {number:02}", section=energy, published_at=hours_ago(100 - number))
    grid = make_live_story(headline="Grid failure", slug="grid", section=energy, starts_at=hours_ago(3))
    latest = make_update(grid, posted_at=hours_ago(1))
    make_live_story(headline="Pipeline leak", slug="pipeline", section=energy, starts_at=hours_ago(2))
    make_live_story(headline="Ended energy story", section=energy, status="ended", starts_at=hours_ago(2))
    make_live_story(headline="Draft energy story", section=energy, status="draft")
    make_live_story(headline="Later energy story", section=energy, starts_at=hours_ago(-1))
    make_live_story(headline="Sport live", section=make_section(name="Sport"))

    first = client.get("/sections/energy/").text
    second = client.get("/sections/energy/?page=2").text

    live = re.search(r'<section class="live-stories"[^>]*>(.*?)</section>', first, re.DOTALL).group(1)
    assert re.findall(r'<h3 class="card-title"><a href="/live/([\w-]+)/">', live) == ["pipeline", "grid"]
    assert live.count('<span class="live-label live">Live</span>') == 2
    assert f'Latest update <time datetime="{machine_time(latest.posted_at)}">{when(latest.posted_at)}</time>' in live
    assert first.index('class="live-stories"') < first.index("Story 20")
    assert "live-stories" not in second


def test_section_page_is_paginated_twenty_to_a_page(client):
    energy = make_section(slug="energy")
    for number in range(25):
        make_article(headline=f"Story {number:02}", section=energy, published_at=hours_ago(100 - number))

    first = client.get("/sections/energy/").text
    second = client.get("/sections/energy/?page=2").text

    assert card_headlines(first) == [f"Story {number:02}" for number in range(24, 4, -1)]
    assert card_headlines(second) == [f"Story {number:02}" for number in range(4, -1, -1)]
    assert '<a rel="next" href="?page=2">Older</a>' in first
    assert '<a rel="prev" href="?page=1">Newer</a>' in second


def test_a_section_with_no_public_article_has_no_page(client):
    make_section(name="Energy", slug="energy")
    make_article(section=make_section(name="World", slug="world"))

    response = client.get("/sections/energy/")

    assert response.status_code == 404
    assert "Energy" not in response.text


@pytest.mark.parametrize("url", ["/sections/no-such-section/", "/sections/energy/?page=2", "/sections/energy/?page=x"])
def test_unknown_section_or_page_is_a_404(client, url):
    make_article(section=make_section(slug="energy"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("articles", [1, 50])
def test_section_page_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    energy = make_section(slug="energy")
    authors = [make_author(), make_author(), make_author()]
    for number in range(articles):
        make_article(section=energy, authors=authors[: number % 3 + 1])
        make_ticker_item()
        if number % 10 == 0:
            story = make_live_story(section=energy)
            make_update(story)
            make_ticker_item(live_story=story)

    # The section, the count, the articles, their bylines, the live stories in progress with
    # their latest updates' times, and the ticker with theirs.
    with django_assert_num_queries(6):
        response = client.get("/sections/energy/")

    assert len(card_headlines(response.text)) == min(articles, 20)
    assert response.text.count('class="card live-card"') == len(range(0, articles, 10))


# The archive


@pytest.fixture
def archive():
    """Four public articles in two sections by two authors over three days, and a draft."""
    energy, sport = make_section(name="Energy", slug="energy"), make_section(name="Sport", slug="sport")
    ann, bo = make_author(name="Ann Lee"), make_author(name="Bo Chan")
    day = datetime(2025, 3, 10, 12, tzinfo=UTC)
    make_article(headline="Oil prices climb", section=energy, authors=[ann], published_at=day)
    make_article(
        headline="Gas storage record",
        dek="Oil traders watch.",
        section=energy,
        authors=[bo],
        published_at=day + timedelta(days=1),
    )
    make_article(headline="Cup final tonight", section=sport, authors=[ann, bo], published_at=day + timedelta(days=2))
    make_article(headline="Oil refinery strike", section=sport, published_at=day + timedelta(days=2, hours=1))
    make_article(headline="Oil draft", section=energy, authors=[ann], status=Article.Status.DRAFT)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["Oil refinery strike", "Cup final tonight", "Gas storage record", "Oil prices climb"]),
        ("q=oil", ["Oil refinery strike", "Gas storage record", "Oil prices climb"]),
        ("q=oil+climb", ["Oil prices climb"]),
        ("author=ann-lee", ["Cup final tonight", "Oil prices climb"]),
        ("section=energy", ["Gas storage record", "Oil prices climb"]),
        ("published_after=2025-03-11", ["Oil refinery strike", "Cup final tonight", "Gas storage record"]),
        ("published_before=2025-03-11", ["Gas storage record", "Oil prices climb"]),
        ("published_after=2025-03-11&published_before=2025-03-11", ["Gas storage record"]),
        ("q=oil&author=bo-chan&section=energy", ["Gas storage record"]),
        ("q=nothing+like+this", []),
    ],
)
def test_archive_filters_by_words_author_section_and_dates(client, archive, query, shown):
    response = client.get(f"/archive/?{query}")

    assert response.status_code == 200
    assert card_headlines(response.text) == shown
    assert 'class="errors"' not in response.text
    if not shown:
        assert "No articles match these filters." in response.text


def test_archive_offers_only_authors_with_public_articles(client, archive):
    make_author(name="Cy Unpublished")
    select = part(client.get("/archive/").text, r'<select name="author"[^>]*>(.*?)</select>')
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "ann-lee", "bo-chan"]


def test_archive_selects_the_chosen_author_and_section_whatever_was_shown_before(client, archive):
    client.get("/archive/?author=ann-lee")
    page = client.get("/archive/?author=bo-chan&section=energy").text

    assert re.findall(r'<option value="([^"]*)" selected>', page) == ["bo-chan", "energy"]
    assert 'aria-invalid="true"' not in page
    assert 'aria-invalid="true"' in client.get("/archive/?author=nobody-by-that-name").text


def test_archive_offers_a_renamed_section_at_once(client, archive, django_capture_on_commit_callbacks):
    client.get("/archive/")
    section = Section.objects.get(slug="energy")
    section.name = "Power"
    with django_capture_on_commit_callbacks(execute=True):
        section.save()

    select = part(client.get("/archive/").text, r'<select name="section"[^>]*>(.*?)</select>')
    assert re.findall(r'<option value="[^"]*"[^>]*>([^<]*)<', select) == ["Any section", "Power", "Sport"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("published_after=notadate", "published_after"),
        ("published_before=2025-02-30", "published_before"),
        ("author=nobody-by-that-name", "author"),
        ("section=no-such-section", "section"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_archive_shows_the_form_errors_and_no_articles_for_invalid_filters(client, archive, query, field):
    response = client.get(f"/archive/?{query}")

    assert response.status_code == 200
    assert f'id="id_{field}-errors"' in response.text
    assert "Please correct the filters above." in response.text
    assert card_headlines(response.text) == []


@pytest.mark.parametrize("page", ["abc", "99999", "0", "-1", "2"])
def test_archive_page_that_does_not_exist_is_a_clean_404(client, archive, page):
    response = client.get(f"/archive/?page={page}")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_archive_pages_keep_the_filters(client):
    energy = make_section(slug="energy")
    for number in range(25):
        make_article(headline=f"Oil story {number:02}", section=energy, published_at=hours_ago(100 - number))

    first = client.get("/archive/?q=oil&section=energy").text
    second = client.get("/archive/?q=oil&section=energy&page=2").text

    assert '<p class="count">25 articles</p>' in first
    assert '<a rel="next" href="?q=oil&amp;section=energy&amp;page=2">Older</a>' in first
    assert card_headlines(second) == [f"Oil story {number:02}" for number in range(4, -1, -1)]
    assert '<a rel="prev" href="?q=oil&amp;section=energy&amp;page=1">Newer</a>' in second


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(
    ("query", "queries"),
    # Including, on a cold cache, 2 to find the next scheduled change and 1 for the author list.
    [("", 6), ("q=headline&author={author}&section=energy&published_after=2000-01-01", 8), ("author=nobody", 4)],
    ids=["unfiltered", "filtered", "invalid"],
)
def test_archive_queries_do_not_grow_with_articles_or_authors(client, django_assert_num_queries, rows, query, queries):
    energy = make_section(slug="energy")
    authors = [make_author() for _ in range(rows)]
    for number in range(rows):
        make_article(section=energy, authors=[authors[0], authors[number]] if number else [authors[0]])
        make_ticker_item()

    with django_assert_num_queries(queries):
        response = client.get(f"/archive/?{query.format(author=authors[0].slug)}")

    assert response.status_code == 200
    assert len(card_headlines(response.text)) == (0 if query == "author=nobody" else min(rows, 20))


@pytest.fixture
def two_pages_at_most(monkeypatch):
    monkeypatch.setattr("newsroom.pagination.MAX_PAGES", 2)


def test_the_archive_offers_its_newest_pages_and_says_the_dates_reach_older_ones(client, two_pages_at_most):
    for number in range(45):
        make_article(headline=f"Story {number:02}", published_at=hours_ago(100 - number))

    first = client.get("/archive/").text
    last = client.get("/archive/?page=2").text

    assert (
        '<p class="count">More than 40 articles: the newest 40 are listed, and the dates above reach older ones.</p>'
        in first
    )
    assert "Page 1 of 2" in first
    assert card_headlines(last) == [f"Story {number:02}" for number in range(24, 4, -1)]
    assert 'rel="next"' not in last
    assert client.get("/archive/?page=3").status_code == 404


def test_the_archive_narrowed_by_date_reaches_the_oldest_articles(client, two_pages_at_most):
    day = datetime(2025, 3, 10, 12, tzinfo=UTC)
    for number in range(45):
        make_article(headline=f"Story {number:02}", published_at=day + timedelta(days=number))

    page = client.get("/archive/?published_before=2025-03-14").text

    assert '<p class="count">5 articles</p>' in page
    assert card_headlines(page) == [f"Story {number:02}" for number in range(4, -1, -1)]


@pytest.mark.parametrize("url", ["/archive/?page=3", "/archive/?page=2000", "/archive/?q=story&page=2000"])
def test_a_page_past_those_offered_is_a_404_found_without_reading_articles(
    client, django_assert_num_queries, two_pages_at_most, url
):
    for _ in range(45):
        make_article(headline="Story")

    # Only the breaking-news ticker of the 404 page.
    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize("url", ["/sections/energy/", "/authors/ann-lee/"])
def test_section_and_author_pages_offer_their_newest_pages(client, two_pages_at_most, url):
    energy, ann = make_section(slug="energy"), make_author(name="Ann Lee")
    for number in range(45):
        make_article(headline=f"Story {number:02}", section=energy, authors=[ann], published_at=hours_ago(100 - number))

    last = client.get(f"{url}?page=2").text

    assert "Page 2 of 2" in last
    assert card_headlines(last) == [f"Story {number:02}" for number in range(24, 4, -1)]
    assert 'rel="next"' not in last
    assert client.get(f"{url}?page=3").status_code == 404


def test_archive_words_are_whole_words_in_any_form(client):
    make_article(headline="Turmoil in the markets", published_at=hours_ago(3))
    make_article(headline="Oil price rises", published_at=hours_ago(2))
    make_article(headline="Quiet day", dek="Oil prices held steady.", published_at=hours_ago(1))
    make_article(headline="Gas", body="<p>Oil prices fell.</p>")

    assert card_headlines(client.get("/archive/?q=oil+prices").text) == ["Quiet day", "Oil price rises"]
    assert card_headlines(client.get("/archive/?q=turmoil").text) == ["Turmoil in the markets"]


def test_archive_words_without_a_word_worth_searching_for_filter_nothing(client):
    make_article(headline="The end")

    assert card_headlines(client.get("/archive/?q=the+of").text) == ["The end"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own index of headline words")
def test_archive_words_are_found_through_the_headline_index():
    from articles.search import headline_matches

    # A handful of rows is read fastest without an index: forbid that, so that the plan shows
    # whether the index can serve the filter at all.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = headline_matches(Article.objects.all(), "oil prices").order_by().explain()

    assert "article_headline_words" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's virtual machine steps")
def test_an_old_articles_neighbours_are_found_without_reading_the_articles_published_since():
    """Each neighbour's index scan starts at the article's own time, not at "now": the oldest of
    many articles costs what the newest does."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Story {number}", slug=f"story-{number}", body="<p>Body.</p>", status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=number + 1),
        )
        for number in range(400)
    )  # fmt: skip
    newest, oldest = articles[0], articles[-1]

    def steps(article):
        found, steps = sqlite_steps(article_page, article.slug, now)
        assert (found.previous_neighbour or {}).get("slug") == (
            None if article is oldest else f"story-{articles.index(article) + 1}"
        )
        return steps

    assert steps(oldest) < 2 * steps(newest) + 20
