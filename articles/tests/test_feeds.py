"""The RSS and Atom feeds, read by feedparser as feed readers read them; the Atom feeds also
checked against RFC 4287's RELAX NG grammar with jing (newsroom/tests/standards.py)."""

import html
from datetime import datetime, timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles.feeds import BLOCK_END, EXCERPT_WORDS, excerpt
from articles.models import Article, Correction
from newsroom.tests.standards import atom_problems

from .factories import (
    HIDDEN_STATES,
    make_article,
    make_author,
    make_correction,
    make_hidden_article,
    make_section,
)

pytestmark = pytest.mark.django_db

NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
}
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
    assert [author.name for author in entry.authors] == ["Ann O'Neil", "Bo Li"]
    assert [tag.term for tag in entry.tags] == ["Energy & Climate"]
    assert entry.id.startswith("urn:uuid:")
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]


@pytest.mark.parametrize("url_name", ["articles:feed-latest", "articles:feed-latest-atom"])
def test_feeds_are_served_as_xml_that_browsers_style_with_last_modified(client, url_name):
    make_article()

    response = client.get(reverse(url_name))

    assert response["Content-Type"] == "application/xml; charset=utf-8"
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
        ("articles:feed-latest", 3),
        ("articles:feed-latest-atom", 3),
        ("articles:feed-section", 4),
        ("articles:feed-section-atom", 4),
        ("articles:feed-author", 4),
        ("articles:feed-author-atom", 4),
    ],
)
@pytest.mark.parametrize("articles", [1, 50])
def test_feed_queries_do_not_grow_with_articles(
    client, django_assert_num_queries, section, author, url_name, queries, articles
):
    for _ in range(articles):
        article = make_article(section=section, authors=[author, make_author()])
        make_correction(article)
    url = feed_url(url_name, section, author)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(feedparser.parse(response.content).entries) == min(articles, 30)


# Every author, with their page


def test_atom_entries_name_every_author_with_their_page(client):
    make_article(authors=[make_author(name="Ann Lee", slug="ann-lee"), make_author(name="Bo Chan", slug="bo")])

    [entry] = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert [(author.name, author.href) for author in entry.authors] == [
        ("Ann Lee", "http://testserver/authors/ann-lee/"),
        ("Bo Chan", "http://testserver/authors/bo/"),
    ]


def test_rss_items_have_a_dc_creator_per_author(client):
    make_article(authors=[make_author(name="Ann Lee"), make_author(name="Bo Chan")])

    rss = ElementTree.fromstring(client.get(reverse("articles:feed-latest")).content)

    [item] = rss.findall("channel/item")
    assert [creator.text for creator in item.findall("dc:creator", NAMESPACES)] == ["Ann Lee", "Bo Chan"]
    assert item.find("author") is None  # RSS's own <author> is an e-mail address


def test_wire_copy_is_credited_to_the_source_site_when_the_credit_line_names_it(client):
    make_article(credit_line="Oilprice.com", source_name="Oilprice.com", source_url="https://oilprice.com/a/b")
    make_article(credit_line="Reuters", source_name="Oilprice.com", source_url="https://oilprice.com/c")

    entries = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert [[(a.name, a.get("href")) for a in entry.authors] for entry in entries] == [
        [("Reuters", None)],
        [("Oilprice.com", "https://oilprice.com/")],
    ]


# Corrections


@pytest.fixture
def corrected():
    """An article published yesterday, corrected an hour ago."""
    now = timezone.now()
    article = make_article(dek="Prices rose.", published_at=now - timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(days=1))
    correction = make_correction(
        article,
        kind=Correction.Kind.CORRECTION,
        text="The rise was 5% & not 6%.",
        published_at=now - timedelta(hours=1),
    )
    return article, correction


def test_a_correction_updates_the_atom_entry_and_shows_in_it(client, corrected):
    article, correction = corrected

    [entry] = read_feed(client, reverse("articles:feed-latest-atom")).entries

    assert entry.updated_parsed[:6] == correction.published_at.utctimetuple()[:6]
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    text = html.unescape(entry.summary)
    assert text.startswith("<p>Prices rose.</p><p><strong>Correction</strong>, ")
    assert text.endswith(": The rise was 5% & not 6%.</p>")


def test_a_correction_updates_the_rss_item_and_shows_in_it_under_the_same_guid(client):
    now = timezone.now()
    article = make_article(dek="Prices rose.", published_at=now - timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(days=1))
    url = reverse("articles:feed-latest")
    before = ElementTree.fromstring(client.get(url).content).find("channel/item")

    correction = make_correction(article, text="The rise was 5% & not 6%.", published_at=now - timedelta(hours=1))

    after = ElementTree.fromstring(client.get(url).content).find("channel/item")
    assert after.findtext("guid") == before.findtext("guid")
    assert html.unescape(before.findtext("description")) == "Prices rose."
    assert html.unescape(after.findtext("description")).endswith(": The rise was 5% & not 6%.</p>")
    updated = [item.findtext("atom:updated", namespaces=NAMESPACES) for item in (before, after)]
    assert datetime.fromisoformat(updated[0]) == now - timedelta(days=1)
    assert datetime.fromisoformat(updated[1]) == correction.published_at


# Standards and browsers


def test_every_atom_feed_is_valid_against_rfc_4287s_grammar(client, section, author):
    article = make_article(headline="Oil & <gas>", dek="", section=section, authors=[author, make_author(name="Bo Li")])
    make_correction(article, text="A <corrected> & clarified figure.")
    make_article(credit_line="Reuters", section=section)
    make_article(credit_line="Oilprice.com", source_name="Oilprice.com", source_url="https://oilprice.com/x")

    documents = [client.get(feed_url(url_name, section, author)).content for url_name in ATOM_FEEDS]

    assert atom_problems(*documents) == [[], [], []]


@pytest.mark.parametrize("url_name", ALL_FEEDS)
def test_a_feed_opened_in_a_browser_is_styled_by_the_xslt_then_the_css(client, section, author, url_name):
    make_article(section=section, authors=[author])

    content = client.get(feed_url(url_name, section, author)).content.decode()

    prologue = content.split("?>", 1)[1].split("<rss")[0].split("<feed")[0]
    assert prologue == (
        '\n<?xml-stylesheet href="/static/feeds/feed.xsl" media="screen" type="text/xsl"?>'
        '<?xml-stylesheet href="/static/feeds/feed.css" media="screen" type="text/css"?>'
    )


def test_the_feed_stylesheets_are_served_as_xslt_and_css(client):
    assert client.get("/static/feeds/feed.xsl")["Content-Type"].startswith("text/xsl")
    assert client.get("/static/feeds/feed.css")["Content-Type"].startswith("text/css")


@pytest.mark.parametrize(
    "body",
    [
        "<p>One two three.</p>",
        "".join(f"<p>Paragraph {n} has &amp; some <em>words</em> in it.</p>" for n in range(40)),
        "<h2>Heading</h2><p>A line<br>broken</p><ul><li>first</li><li>second</li></ul>" * 12,
        "<blockquote><p>" + " ".join(["word"] * 59) + "</p></blockquote><p>sixty-first</p>",
        "<p>" + " ".join(["word"] * 61) + "</p>",
    ],
)
def test_an_excerpt_reads_only_as_much_of_the_body_as_it_needs_and_says_the_same(body):
    whole = html.unescape(strip_tags(BLOCK_END.sub(" ", body)))
    assert excerpt(body) == Truncator(" ".join(whole.split())).words(EXCERPT_WORDS)
