"""The sitemap index and its parts and the Google News sitemap. Every document is validated
against the schemas as published (sitemaps.org 0.9 and its index, Google News 0.9), copied
unchanged into newsroom/tests/files/standards."""

import importlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from newsroom.tests.standards import sitemap_index_schema, sitemap_schema

from .factories import HIDDEN_STATES, make_article, make_author, make_hidden_article, make_section

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def at_noon():
    """A fixed time of day, so that dates cannot change between making rows and reading them."""
    with time_machine.travel(NOON, tick=False):
        yield NOON


@pytest.fixture
def parts_of_two(monkeypatch):
    """Parts of two ids, so that a handful of rows makes several parts."""
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    monkeypatch.setattr(sitemaps.AuthorSitemap, "limit", 2)


def read(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    schema.validate(response.content.decode())
    return ElementTree.fromstring(response.content)


def read_index(client):
    """``[(path and query of a part, its lastmod)]`` from /sitemap.xml."""
    index = read(client, reverse("sitemap"), sitemap_index_schema())
    parts = []
    for entry in index.findall("sm:sitemap", NAMESPACES):
        location = urlsplit(entry.findtext("sm:loc", namespaces=NAMESPACES))
        assert (location.scheme, location.netloc) == ("http", "testserver")
        parts.append(
            (f"{location.path}?{location.query}".rstrip("?"), entry.findtext("sm:lastmod", namespaces=NAMESPACES))
        )
    return parts


def read_part(client, url):
    """``{location: lastmod}`` of one part."""
    part = read(client, url, sitemap_schema())
    return {
        url.findtext("sm:loc", namespaces=NAMESPACES): url.findtext("sm:lastmod", namespaces=NAMESPACES)
        for url in part.findall("sm:url", NAMESPACES)
    }


def parts_of(client, kind):
    """The parts of one kind ("articles", "sections", "authors") the index names, in order.
    Ids keep growing from test to test on PostgreSQL, so the first part need not be part 1."""
    return [part for part, _ in read_index(client) if part.startswith(f"/sitemap-{kind}.xml")]


def every_location(client):
    return [location for part, _ in read_index(client) for location in read_part(client, part)]


def part_url(kind, number):
    return f"/sitemap-{kind}.xml" if number == 1 else f"/sitemap-{kind}.xml?p={number}"


def absolute(instance):
    return f"http://testserver{instance.get_absolute_url()}"


# The index and its parts


def test_the_index_names_a_part_for_pages_articles_sections_and_authors_each_dated(client, at_noon):
    section = make_section()
    author = make_author()
    article = make_article(section=section, authors=[author], published_at=at_noon - timedelta(hours=2))

    parts = read_index(client)

    assert [part.split("?")[0] for part, _ in parts] == [
        "/sitemap-pages.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-authors.xml",
    ]
    # The lists change with any article: undated. The article and the author were saved at
    # noon; the section's newest article is from 10:00.
    assert [lastmod and datetime.fromisoformat(lastmod) for _, lastmod in parts] == [
        None,
        at_noon,
        at_noon - timedelta(hours=2),
        at_noon,
    ]
    [articles], [sections], [authors] = (parts_of(client, kind) for kind in ("articles", "sections", "authors"))
    assert read_part(client, articles) == {absolute(article): "2030-01-15"}
    assert read_part(client, sections) == {absolute(section): "2030-01-15"}
    assert read_part(client, authors) == {absolute(author): "2030-01-15"}


def test_the_pages_part_lists_every_public_list_and_each_answers(client):
    make_article()

    locations = read_part(client, "/sitemap-pages.xml")

    assert locations == {
        "http://testserver/": None,
        "http://testserver/archive/": None,
        "http://testserver/authors/": None,
        "http://testserver/corrections/": None,
    }
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200


def test_articles_are_listed_in_parts_of_consecutive_ids(client, parts_of_two):
    articles = [make_article() for _ in range(5)]

    expected = {}
    for article in articles:
        expected.setdefault(part_url("articles", (article.pk - 1) // 2 + 1), []).append(absolute(article))
    assert parts_of(client, "articles") == list(expected)
    assert {part: list(read_part(client, part)) for part in expected} == expected


def test_an_article_stays_in_its_part_when_others_come_and_go(client, parts_of_two):
    first, second, third = make_article(), make_article(), make_article()
    part_of_third = part_url("articles", (third.pk - 1) // 2 + 1)

    first.delete()
    second.delete()
    make_article()

    assert absolute(third) in read_part(client, part_of_third)


def test_a_part_is_dated_by_its_newest_change(client):
    old = timezone.now() - timedelta(days=30)
    first = make_article(published_at=old)
    second = make_article(published_at=old + timedelta(days=1))
    Article.objects.filter(pk=first.pk).update(updated_at=old + timedelta(days=3))
    Article.objects.filter(pk=second.pk).update(updated_at=old + timedelta(days=2))

    [(_, lastmod)] = [(part, lastmod) for part, lastmod in read_index(client) if part.startswith("/sitemap-articles")]

    assert datetime.fromisoformat(lastmod) == old + timedelta(days=3)


def test_a_part_with_no_public_article_is_left_out_and_not_found(client, parts_of_two):
    articles = [make_article() for _ in range(6)]
    hidden_part = (articles[2].pk - 1) // 2 + 1
    Article.objects.filter(pk__gt=(hidden_part - 1) * 2, pk__lte=hidden_part * 2).update(status=Article.Status.DRAFT)

    parts = [part for part, _ in read_index(client)]

    assert part_url("articles", hidden_part) not in parts
    assert client.get(f"/sitemap-articles.xml?p={hidden_part}").status_code == 404
    assert len(parts_of(client, "articles")) >= 2


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-articles.xml?p=99999999",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=x",
        "/sitemap-nothing.xml",
    ],
)
def test_a_part_that_does_not_exist_is_not_found(client, url):
    make_article()
    assert client.get(url).status_code == 404


def test_a_section_is_dated_by_its_newest_article(client, at_noon):
    section = make_section()
    make_article(section=section, published_at=at_noon - timedelta(days=3))
    make_article(section=section, published_at=at_noon - timedelta(days=10))
    empty = make_section()

    lastmods = read_part(client, "/sitemap-sections.xml")  # sections are always one part

    assert lastmods[absolute(section)] == "2030-01-12"
    assert lastmods[absolute(empty)] is None


def test_an_author_is_dated_by_their_newest_article_or_a_later_profile_edit(client, at_noon):
    writer = make_author()
    make_article(authors=[writer], published_at=at_noon - timedelta(days=3))
    with time_machine.travel(at_noon - timedelta(days=20), tick=False):
        edited_later = make_author()
    make_article(authors=[edited_later], published_at=at_noon - timedelta(days=30))

    lastmods = {
        location: lastmod
        for part in parts_of(client, "authors")
        for location, lastmod in read_part(client, part).items()
    }

    assert lastmods[absolute(writer)] == "2030-01-15"  # the profile, created today
    assert lastmods[absolute(edited_later)] == "2029-12-26"


def test_sections_and_authors_without_an_article_among_the_latest_are_listed_undated(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "DATED_BY_LATEST", 2)
    section, author = make_section(), make_author()
    make_article(section=section, authors=[author], published_at=timezone.now() - timedelta(days=9))
    make_article(published_at=timezone.now() - timedelta(days=2))
    make_article(published_at=timezone.now() - timedelta(days=1))

    assert read_part(client, "/sitemap-sections.xml") == {absolute(section): None}
    [authors] = parts_of(client, "authors")
    assert read_part(client, authors) == {absolute(author): None}


def test_authors_without_public_articles_are_left_out(client):
    make_hidden_article("draft", authors=[make_author()])
    make_author()
    make_article()

    assert parts_of(client, "authors") == []


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_in_no_sitemap(client, state):
    live = make_article()
    make_hidden_article(state, headline="Not for readers")

    locations = every_location(client)
    news = client.get(reverse("news-sitemap")).content.decode()

    assert absolute(live) in locations
    assert absolute(live) in news
    assert not [location for location in locations if "not-for-readers" in location]
    assert "not-for-readers" not in news


@pytest.mark.parametrize("articles", [1, 50])
def test_sitemap_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    for _ in range(articles):
        make_article(section=make_section(), authors=[make_author()])
    parts = {kind: parts_of(client, kind) for kind in ("articles", "sections", "authors")}

    # The articles' parts, then for sections and for authors: the window of latest articles
    # that dates them, their dates in it, and the sections or the authors; then the live pages'
    # newest change (breaking/sitemaps.py).
    with django_assert_num_queries(8):
        client.get(reverse("sitemap"))
    for kind, queries in [("articles", 1), ("sections", 3), ("authors", 3)]:
        urls = 0
        for part in parts[kind]:
            with django_assert_num_queries(queries):
                urls += client.get(part).content.count(b"<url>")
        assert urls == articles


def test_a_part_holds_at_most_part_size_urls(client, parts_of_two):
    for _ in range(5):
        make_article(authors=[make_author()])

    for part, _ in read_index(client):
        if part != "/sitemap-pages.xml":  # four lists, in parts of PART_SIZE
            assert len(read_part(client, part)) <= 2


def test_postgresqls_statistics_on_the_parts_are_for_parts_of_their_size():
    migration = importlib.import_module("articles.migrations.0011_listing_and_sitemap_indexes")

    assert f"(((id - 1) / {sitemaps.PART_SIZE}) + 1)" == migration.SITEMAP_PART


def test_the_index_and_its_parts_are_not_indexed_themselves(client):
    make_article()

    assert client.get(reverse("sitemap"))["X-Robots-Tag"] == "noindex, noodp, noarchive"
    [part] = parts_of(client, "articles")
    assert client.get(part)["X-Robots-Tag"] == "noindex, noodp, noarchive"


# The Google News sitemap


def test_news_sitemap_describes_each_recent_article_for_google_news(client, settings):
    settings.SITE_NAME = "The Daily & Co"
    article = make_article(headline="Oil & gas <prices> rise")

    sitemap = read(client, reverse("news-sitemap"), sitemap_schema())

    [url] = sitemap.findall("sm:url", NAMESPACES)
    assert url.findtext("sm:loc", namespaces=NAMESPACES) == absolute(article)
    news = url.find("news:news", NAMESPACES)
    assert news.findtext("news:publication/news:name", namespaces=NAMESPACES) == "The Daily & Co"
    assert news.findtext("news:publication/news:language", namespaces=NAMESPACES) == "en"
    assert news.findtext("news:title", namespaces=NAMESPACES) == "Oil & gas <prices> rise"
    published = news.findtext("news:publication_date", namespaces=NAMESPACES)
    assert datetime.fromisoformat(published) == article.published_at.replace(microsecond=0)


def test_news_sitemap_has_only_the_last_48_hours(client):
    now = timezone.now()
    recent = make_article(published_at=now - timedelta(hours=47))
    make_article(published_at=now - timedelta(hours=49))

    sitemap = read(client, reverse("news-sitemap"), sitemap_schema())

    assert [loc.text for loc in sitemap.findall("sm:url/sm:loc", NAMESPACES)] == [absolute(recent)]


@pytest.mark.parametrize("articles", [1, 50])
def test_news_sitemap_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    for _ in range(articles):
        make_article(section=make_section(), authors=[make_author()])

    with django_assert_num_queries(2):
        response = client.get(reverse("news-sitemap"))

    assert response.content.count(b"<news:news>") == articles
