"""What crawlers and social sites read of every page: robots.txt, read by the two parsers
crawlers are built on (Python's standard one, which takes the first rule that matches, and
Protego, Scrapy's, which takes the longest, as Google does); the canonical address, OpenGraph
and Twitter card tags of each public page; the icons."""

import html
import io
import re
from urllib.robotparser import RobotFileParser

import pytest
from PIL import Image
from protego import Protego

from articles.models import Section
from articles.tests.factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

ADMIN = ["/admin/", "/admin/login/", "/admin/articles/article/1/change/"]
PUBLIC = ["/", "/articles/oil-falls/", "/sections/energy/", "/authors/", "/search/?q=oil", "/administration"]
AGENTS = ["Googlebot", "Bingbot", "*"]


def parsers(text):
    """{name: can_fetch(url, agent)} of each parser."""
    standard = RobotFileParser()
    standard.parse(text.splitlines())
    return {
        "urllib.robotparser": lambda url, agent: standard.can_fetch(agent, url),
        "Protego": Protego.parse(text).can_fetch,
    }


@pytest.mark.parametrize("agent", AGENTS)
def test_every_parser_keeps_crawlers_out_of_the_admin_only(client, agent):
    text = client.get("/robots.txt").text

    for name, can_fetch in parsers(text).items():
        for path in ADMIN:
            assert not can_fetch(f"http://testserver{path}", agent), (name, path)
        for path in PUBLIC:
            assert can_fetch(f"http://testserver{path}", agent), (name, path)


def test_robots_txt_is_plain_text_with_no_rule_for_parsers_to_order_differently(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    rules = [line for line in response.text.splitlines() if line.startswith(("Allow:", "Disallow:"))]
    assert rules == ["Disallow: /admin/"]


def test_robots_txt_points_to_both_sitemaps(client):
    text = client.get("/robots.txt").text

    assert list(Protego.parse(text).sitemaps) == [
        "http://testserver/sitemap.xml",
        "http://testserver/sitemap-news.xml",
    ]
    standard = RobotFileParser()
    standard.parse(text.splitlines())
    assert standard.site_maps() == ["http://testserver/sitemap.xml", "http://testserver/sitemap-news.xml"]


def test_robots_txt_names_the_sitemaps_on_the_host_and_scheme_it_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]

    response = client.get("/robots.txt", headers={"host": "news.example.org"}, secure=True)

    assert "Sitemap: https://news.example.org/sitemap-news.xml" in response.text


# Canonical addresses, OpenGraph and Twitter cards on every public page


def head_tags(page):
    """({property or name: content} of the <meta> tags, canonical href or None)."""
    tags = {
        key: html.unescape(content)
        for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    }
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', page)
    assert len(canonical) <= 1
    return tags, html.unescape(canonical[0]) if canonical else None


@pytest.fixture
def site():
    section = make_section(name="Energy", slug="energy", description="Oil, gas & power.")
    author = make_author(name="Ann Lee", slug="ann-lee", bio="Ann covers oil.")
    article = make_article(section=section, authors=[author])
    make_correction(article, text="A figure was wrong.")
    return section, author


LIST_PAGES = [
    ("/", "Newsroom", "website"),
    ("/sections/energy/", "Energy", "website"),
    ("/authors/ann-lee/", "Ann Lee", "profile"),
    ("/authors/", "Authors", "website"),
    ("/archive/", "Archive", "website"),
    ("/corrections/", "Corrections", "website"),
]


@pytest.mark.parametrize(("path", "title", "kind"), LIST_PAGES)
def test_every_public_list_page_names_its_canonical_address_and_has_a_card(client, site, path, title, kind):
    tags, canonical = head_tags(client.get(path).text)

    assert canonical == tags["og:url"] == f"http://testserver{path}"
    assert tags["og:type"] == kind
    assert tags["og:site_name"] == "Newsroom"
    assert tags["og:title"] == tags["twitter:title"] == title
    assert tags["og:description"] == tags["twitter:description"] != ""
    assert tags["og:image"] == tags["twitter:image"] == "http://testserver/static/brand/card-16x9.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "675")
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "The Newsroom logo"
    assert tags["twitter:card"] == "summary_large_image"
    assert "robots" not in tags


def test_a_section_is_described_by_its_description(client, site):
    tags, _ = head_tags(client.get("/sections/energy/").text)
    assert tags["og:description"] == "Oil, gas & power."


def test_search_results_are_not_indexed_but_can_be_shared(client, site):
    tags, canonical = head_tags(client.get("/search/?q=oil").text)

    assert canonical is None
    assert tags["robots"] == "noindex, follow"
    assert tags["og:title"] == "Search"


def test_a_later_page_of_a_list_is_its_own_canonical_page(client, site):
    for _ in range(20):
        make_article(section=Section.objects.get())

    _, canonical = head_tags(client.get("/sections/energy/?page=2").text)

    assert canonical == "http://testserver/sections/energy/?page=2"


def test_a_filtered_archive_names_the_whole_archive(client, site):
    _, canonical = head_tags(client.get("/archive/?section=energy&page=1").text)
    assert canonical == "http://testserver/archive/"


def test_a_parameter_a_page_does_not_read_never_reaches_its_cached_canonical_address(client, site, page_cache):
    """Pages are cached by the parameters they read: the home page reads none."""
    client.get("/?page=2")

    _, canonical = head_tags(client.get("/").text)

    assert canonical == "http://testserver/"


# Icons


@pytest.mark.parametrize(
    ("path", "content_type", "sizes"),
    [
        ("/favicon.ico", "image/x-icon", {(16, 16), (32, 32), (48, 48)}),
        ("/apple-touch-icon.png", "image/png", {(180, 180)}),
        ("/apple-touch-icon-precomposed.png", "image/png", {(180, 180)}),
    ],
)
def test_icons_are_served_where_browsers_and_phones_look_for_them(client, path, content_type, sizes):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as icon:
        assert icon.info.get("sizes", {icon.size}) == sizes


def test_pages_link_their_icons(client):
    page = client.get("/").text

    assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in page
    assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in page
