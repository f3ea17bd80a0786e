"""robots.txt, read by the two parsers crawlers are built on: Python's standard one, which takes
the first rule that matches, and Protego (Scrapy's), which takes the longest, as Google does."""

from urllib.robotparser import RobotFileParser

import pytest
from protego import Protego

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
