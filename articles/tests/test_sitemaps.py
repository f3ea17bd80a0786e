import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import time_machine
import xmlschema
from django.urls import reverse
from django.utils import timezone

from .factories import HIDDEN_STATES, make_article, make_author, make_hidden_article, make_section

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "files" / "schemas"
NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@functools.cache
def sitemap_schema():
    """The sitemap schema with the Google News extension, which it validates strictly."""
    return xmlschema.XMLSchema([str(SCHEMAS / "sitemap.xsd"), str(SCHEMAS / "sitemap-news.xsd")])


@pytest.fixture
def at_noon():
    """A fixed time of day, so that dates cannot change between making rows and reading them."""
    with time_machine.travel(NOON, tick=False):
        yield NOON


def read_sitemap(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    sitemap_schema().validate(response.content.decode())
    return ElementTree.fromstring(response.content)


def locations(sitemap):
    return [loc.text for loc in sitemap.findall("sm:url/sm:loc", NAMESPACES)]


def absolute(instance):
    return f"http://testserver{instance.get_absolute_url()}"


# The sitemap of every public page


def test_sitemap_lists_public_articles_sections_and_authors_and_validates(client, at_noon):
    section = make_section()
    author = make_author()
    article = make_article(section=section, authors=[author])

    sitemap = read_sitemap(client, reverse("sitemap"))

    assert locations(sitemap) == [absolute(article), absolute(section), absolute(author)]
    assert [lastmod.text for lastmod in sitemap.findall("sm:url/sm:lastmod", NAMESPACES)] == ["2030-01-15"] * 3


def test_a_section_was_last_modified_when_its_newest_article_appeared(client, at_noon):
    section = make_section()
    make_article(section=section, published_at=at_noon - timedelta(days=3))
    make_article(section=section, published_at=at_noon - timedelta(days=10))
    empty = make_section()

    sitemap = read_sitemap(client, reverse("sitemap"))

    lastmods = {
        url.findtext("sm:loc", namespaces=NAMESPACES): url.findtext("sm:lastmod", namespaces=NAMESPACES)
        for url in sitemap.findall("sm:url", NAMESPACES)
    }
    assert lastmods[absolute(section)] == "2030-01-12"
    assert lastmods[absolute(empty)] is None


def test_authors_without_public_articles_are_left_out(client):
    make_hidden_article("draft", authors=[make_author()])
    make_author()

    # Not validated: the schema wants at least one <url>.
    response = client.get(reverse("sitemap"))

    assert b"<url>" not in response.content


@pytest.mark.parametrize("url_name", ["sitemap", "news-sitemap"])
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_in_no_sitemap(client, url_name, state):
    live = make_article()
    make_hidden_article(state, headline="Not for readers")

    response = client.get(reverse(url_name))

    assert absolute(live) in response.content.decode()
    assert "not-for-readers" not in response.content.decode()


@pytest.mark.parametrize("articles", [1, 50])
def test_sitemap_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    for _ in range(articles):
        make_article(section=make_section(), authors=[make_author()])

    # A count and a page for each of articles, sections and authors.
    with django_assert_num_queries(6):
        response = client.get(reverse("sitemap"))

    assert response.content.count(b"<url>") == 3 * articles


# The Google News sitemap


def test_news_sitemap_describes_each_recent_article_for_google_news(client, settings):
    settings.SITE_NAME = "The Daily & Co"
    article = make_article(headline="Oil & gas <prices> rise")

    sitemap = read_sitemap(client, reverse("news-sitemap"))

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

    assert locations(read_sitemap(client, reverse("news-sitemap"))) == [absolute(recent)]


@pytest.mark.parametrize("articles", [1, 50])
def test_news_sitemap_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    for _ in range(articles):
        make_article(section=make_section(), authors=[make_author()])

    with django_assert_num_queries(2):
        response = client.get(reverse("news-sitemap"))

    assert response.content.count(b"<news:news>") == articles


# robots.txt


def test_robots_txt_allows_all_but_the_admin_and_points_to_both_sitemaps(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["User-agent: *", "Allow: /", "Disallow: /admin/"]
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: http://testserver/sitemap.xml",
        "Sitemap: http://testserver/sitemap-news.xml",
    ]


def test_robots_txt_names_the_sitemaps_on_the_host_and_scheme_it_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]

    response = client.get("/robots.txt", headers={"host": "news.example.org"}, secure=True)

    assert "Sitemap: https://news.example.org/sitemap-news.xml" in response.content.decode()
