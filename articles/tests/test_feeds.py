import html
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import HIDDEN_STATES, make_article, make_author, make_hidden_article, make_section

pytestmark = pytest.mark.django_db

RSS_FEEDS = ["articles:feed-latest", "articles:feed-section", "articles:feed-author"]
ATOM_FEEDS = ["articles:feed-latest-atom", "articles:feed-section-atom", "articles:feed-author-atom"]
ALL_FEEDS = RSS_FEEDS + ATOM_FEEDS


@pytest.fixture
def section():
    return make_section(name="Energy & Climate", slug="energy")


@pytest.fixture
def author():
    return make_author(name="Ann O'Neil", slug="ann-oneil")


def feed_url(url_name, section, author):
    if "section" in url_name:
        return reverse(url_name, kwargs={"slug": section.slug})
    if "author" in url_name:
        return reverse(url_name, kwargs={"slug": author.slug})
    return reverse(url_name)


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def title_of(entry, url_name):
    # RSS titles are HTML for readers (so Django escapes them); Atom titles are text.
    return html.unescape(entry.title) if url_name in RSS_FEEDS else entry.title


@pytest.mark.parametrize("url_name", ALL_FEEDS)
def test_every_feed_parses_cleanly_and_describes_its_articles(client, section, author, url_name):
    co_author = make_author(name="Bo Li")
    article = make_article(
        headline="Oil & gas <prices> rise",
        dek="Prices rose & kept rising.",
        section=section,
        authors=[author, co_author],
    )

    feed = read_feed(client, feed_url(url_name, section, author))

    [entry] = feed.entries
    assert title_of(entry, url_name) == "Oil & gas <prices> rise"
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    assert html.unescape(entry.summary) == "Prices rose & kept rising."
    assert entry.author == "Ann O'Neil and Bo Li"
    assert [tag.term for tag in entry.tags] == ["Energy & Climate"]
    assert entry.id.startswith("urn:uuid:")
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]


@pytest.mark.parametrize(
    ("url_name", "content_type"),
    [("articles:feed-latest", "application/rss+xml"), ("articles:feed-latest-atom", "application/atom+xml")],
)
def test_feeds_are_served_as_rss_and_atom_with_last_modified(client, url_name, content_type):
    make_article()

    response = client.get(reverse(url_name))

    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response.has_header("Last-Modified")


def test_atom_entries_carry_the_time_of_the_last_change(client):
    article = make_article(published_at=timezone.now() - timedelta(days=1))

    [entry] = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert entry.updated_parsed[:6] == article.updated_at.utctimetuple()[:6]


def test_an_article_scheduled_in_advance_was_updated_no_earlier_than_it_appeared(client):
    article = make_article(published_at=timezone.now() - timedelta(minutes=5))
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    [entry] = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert entry.updated_parsed == entry.published_parsed


def test_description_is_a_plain_text_excerpt_of_the_body_when_there_is_no_summary(client):
    body = "<p>Fuel &amp; food.</p><p>Second <em>paragraph</em>.</p>" + "<p>word </p>" * 80
    make_article(dek="", body=body)

    [entry] = read_feed(client, reverse("articles:feed-latest")).entries

    text = html.unescape(entry.summary)
    assert text.startswith("Fuel & food. Second paragraph. word word")
    assert text.endswith("…")
    assert len(text.split()) == 60


def test_the_credit_line_is_the_author_of_wire_copy(client):
    make_article(credit_line="Reuters")

    [entry] = read_feed(client, reverse("articles:feed-latest")).entries

    assert entry.author == "Reuters"


def test_an_entry_keeps_its_id_when_the_article_moves(client):
    article = make_article(slug="first-address")
    [before] = read_feed(client, reverse("articles:feed-latest-atom")).entries
    article.slug = "second-address"
    article.save()

    [after] = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert after.link.endswith("/second-address/")
    assert after.id == before.id


def test_entry_ids_are_unique(client):
    for _ in range(3):
        make_article()

    entries = read_feed(client, reverse("articles:feed-latest")).entries

    assert len({entry.id for entry in entries}) == 3


def test_the_latest_feed_has_the_30_newest_articles_newest_first(client):
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(minutes=minutes)) for minutes in range(1, 32)]

    entries = read_feed(client, reverse("articles:feed-latest")).entries

    assert [entry.link for entry in entries] == [f"http://testserver{a.get_absolute_url()}" for a in articles[:30]]


def test_a_section_feed_has_only_that_sections_articles(client, section):
    mine = make_article(section=section)
    make_article(section=make_section())
    make_article()

    feed = read_feed(client, reverse("articles:feed-section", kwargs={"slug": section.slug}))

    assert [entry.link for entry in feed.entries] == [f"http://testserver{mine.get_absolute_url()}"]
    assert feed.feed.title == "Newsroom: Energy & Climate"
    assert feed.feed.link == f"http://testserver{section.get_absolute_url()}"


def test_an_author_feed_has_only_that_authors_articles(client, author):
    mine = make_article(authors=[make_author(), author])
    make_article(authors=[make_author()])
    make_article(credit_line="Reuters")

    feed = read_feed(client, reverse("articles:feed-author", kwargs={"slug": author.slug}))

    assert [entry.link for entry in feed.entries] == [f"http://testserver{mine.get_absolute_url()}"]
    assert feed.feed.title == "Newsroom: articles by Ann O'Neil"


@pytest.mark.parametrize("url_name", ALL_FEEDS)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_are_in_no_feed(client, section, author, url_name, state):
    make_article(headline="For readers", section=section, authors=[author])
    make_hidden_article(state, headline="Not for readers", section=section, authors=[author])

    feed = read_feed(client, feed_url(url_name, section, author))

    assert [title_of(entry, url_name) for entry in feed.entries] == ["For readers"]


@pytest.mark.parametrize("url_name", [name for name in ALL_FEEDS if "section" in name or "author" in name])
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_section_or_author_with_no_public_article_has_no_feed(client, section, author, url_name, state):
    make_hidden_article(state, headline="Not for readers", section=section, authors=[author])

    response = client.get(feed_url(url_name, section, author))

    assert response.status_code == 404
    assert "Ann O&#x27;Neil" not in response.text and "Ann O'Neil" not in response.text
    assert "Energy" not in response.text


@pytest.mark.parametrize(
    "url", ["/feeds/sections/no-such-section/", "/feeds/authors/nobody/atom/", "/feeds/sections/no-such-section/atom/"]
)
def test_a_feed_of_an_unknown_section_or_author_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "queries"),
    [
        ("articles:feed-latest", 2),
        ("articles:feed-latest-atom", 2),
        ("articles:feed-section", 3),
        ("articles:feed-section-atom", 3),
        ("articles:feed-author", 3),
        ("articles:feed-author-atom", 3),
    ],
)
@pytest.mark.parametrize("articles", [1, 50])
def test_feed_queries_do_not_grow_with_articles(
    client, django_assert_num_queries, section, author, url_name, queries, articles
):
    for _ in range(articles):
        make_article(section=section, authors=[author, make_author()])
    url = feed_url(url_name, section, author)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(feedparser.parse(response.content).entries) == min(articles, 30)
