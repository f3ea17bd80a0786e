"""Compressed responses (newsroom/compression.py): which coding each Accept-Encoding gets, what is
left alone, and ETags and 304s across codings, on the real pages."""

import gzip
import re
from datetime import timedelta

import brotli
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles.tests.factories import make_article, make_author, make_section, make_user
from breaking.tests.factories import make_ticker_item
from newsroom import compression
from newsroom.compression import CompressedBodies, accepted_codings, negotiate
from newsroom.tests.sample_site import build_sample_site


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),  # what browsers send: equal weights, brotli first
        ("br;q=1.0, gzip;q=0.8", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0.8, br;q=0.8", "br"),
        ("br;q=0.001, gzip;q=0", "br"),
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("br;q=0, gzip;q=0, *", None),
        ("*;q=0", None),
        ("identity", None),
        ("gzip;q=0.5, identity", None),
        ("gzip;q=1.0, identity;q=0.5, *;q=0", "gzip"),
        ("deflate, zstd", None),
        ("", None),
        ("x-gzip", "gzip"),
        ("BR, GZIP", "br"),
        (" gzip ; q = 0.7 , br ; q = 0.6 ", "gzip"),
        ("br;q=high, gzip", "gzip"),
        ("br;q=2, gzip;q=-1, deflate", None),
        (",,;;, gzip", "gzip"),
        ("br;level=5;q=0.9, gzip;q=0.3", "br"),
    ],
)
def test_the_coding_follows_the_q_values_and_prefers_brotli(header, coding):
    assert negotiate(header) == coding


def test_only_offered_codings_are_chosen():
    assert negotiate("br, gzip;q=0.1", offered=("gzip",)) == "gzip"
    assert negotiate("br", offered=("gzip",)) is None


@given(st.text())
def test_any_header_gives_a_coding_or_none_and_never_an_error(header):
    assert negotiate(header) in {"br", "gzip", None}
    assert all(0.0 <= quality <= 1.0 for quality in accepted_codings(header).values())


@pytest.mark.parametrize(
    ("content_type", "compressible"),
    [
        ("text/html; charset=utf-8", True),
        ("text/plain", True),
        ("text/xml", True),
        ("text/css", True),
        ("application/xml", True),
        ("application/rss+xml; charset=utf-8", True),
        ("application/atom+xml", True),
        ("application/json", True),
        ("application/ld+json", True),
        ("application/javascript", True),
        ("image/svg+xml", True),
        ("image/jpeg", False),
        ("image/webp", False),
        ("application/octet-stream", False),
        ("application/zip", False),
        ("", False),
    ],
)
def test_text_types_are_compressible(content_type, compressible):
    assert compression.is_compressible(content_type) is compressible


def test_a_body_is_compressed_once_per_coding_and_kept_within_the_budget(monkeypatch):
    bodies = CompressedBodies()
    page = b"<p>The same page, served again and again.</p>" * 200

    first = bodies.compressed(page, "br")
    assert bodies.compressed(page, "br") is first
    assert brotli.decompress(first) == page
    assert gzip.decompress(bodies.compressed(page, "gzip")) == page

    monkeypatch.setattr(compression, "KEPT_BYTES", len(first) + 1)
    other = b"<p>Another page.</p>" * 300
    bodies.compressed(other, "br")
    assert bodies.size <= len(first) + 1
    assert bodies.compressed(page, "br") is not first  # forgotten, compressed again


# Real pages


def decoded(response):
    coding = response.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.content)
    if coding == "gzip":
        return gzip.decompress(response.content)
    assert coding is None, coding
    return response.content


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}


@pytest.fixture
def site(db, media_root):
    return build_sample_site()


@pytest.fixture
def news(db):
    """Two days of news: 150 articles with bylines, all in the news sitemap, and a full ticker."""
    energy = make_section(name="Energy", slug="energy")
    authors = [make_author(name=f"Reporter {number}") for number in range(10)]
    now = timezone.now()
    for number in range(150):
        make_article(
            headline=f"Refinery outage number {number} lifts diesel prices across the region",
            section=energy,
            authors=[authors[number % 10]],
            published_at=now - timedelta(minutes=15 * number + 1),
        )
    for number in range(10):
        make_ticker_item(text=f"Diesel prices rise in region {number} as the refinery outage drags on")


PAGES = ["home", "article", "section", "archive", "search", "corrections", "author", "authors"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_every_page_type_is_sent_compressed_in_the_coding_asked_for(client, site, page, coding):
    url = site.pages[page]
    plain = client.get(url, headers={"accept-encoding": "identity"})
    response = client.get(url, headers={"accept-encoding": coding})

    assert response.status_code == plain.status_code == 200
    assert response["Content-Encoding"] == coding
    assert decoded(response) == plain.content
    assert int(response["Content-Length"]) == len(response.content) < len(plain.content) / 2
    assert "accept-encoding" in vary(response) and "accept-encoding" in vary(plain)
    assert "Content-Encoding" not in plain


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feeds/latest/", "application/xml"),
        ("/feeds/latest/atom/", "application/xml"),
        ("/sitemap-articles.xml", "application/xml"),
        ("/sitemap-news.xml", "application/xml"),
        ("/ticker.json", "application/json"),
    ],
)
def test_feeds_sitemaps_and_json_are_compressed(client, news, url, content_type):
    if url == "/sitemap-articles.xml":
        # The part that lists these articles: parts are numbered by id range.
        url = re.search(
            r"<loc>http://testserver(/sitemap-articles\.xml(?:\?p=\d+)?)<", client.get("/sitemap.xml").text
        )[1]
    plain = client.get(url, headers={"accept-encoding": "identity"})
    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Encoding"] == "br"
    assert decoded(response) == plain.content
    assert "accept-encoding" in vary(response)


def test_the_news_sitemap_shrinks_to_a_tenth(client, news):
    sizes = {
        coding: len(client.get("/sitemap-news.xml", headers={"accept-encoding": coding}).content)
        for coding in ("identity", "gzip", "br")
    }
    assert sizes["identity"] > 50_000
    assert sizes["br"] < sizes["gzip"] < sizes["identity"] / 10


def test_without_accept_encoding_the_body_goes_plain_but_still_varies(client, site):
    response = client.get(site.pages["article"])
    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)


@pytest.mark.parametrize("url", ["/healthz", "/robots.txt"])
def test_tiny_responses_are_not_compressed_and_do_not_vary(client, db, url):
    response = client.get(url, headers={"accept-encoding": "br"})
    assert response.status_code == 200
    assert len(response.content) < compression.MIN_SIZE
    assert "Content-Encoding" not in response
    assert "accept-encoding" not in vary(response)


def test_images_and_streamed_files_are_not_compressed(client, site):
    image = site.lead.lead_image.url
    response = client.get(image, headers={"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.streaming
    assert "Content-Encoding" not in response


def test_the_not_found_page_is_compressed(client, db):
    response = client.get("/no-such-page/", headers={"accept-encoding": "br"})
    assert response.status_code == 404
    assert response["Content-Encoding"] == "br"
    assert b"Page not found" in decoded(response)


def test_editors_get_public_pages_gzipped_and_never_brotli(client, site):
    client.force_login(make_user("Editor"))
    response = client.get(site.pages["article"], headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert client.get(site.pages["article"], headers={"accept-encoding": "br"}).get("Content-Encoding") is None


def test_admin_pages_are_gzipped_with_padding_and_never_brotli(client, db):
    """They hold what only editors see, beside what the request says: no brotli (BREACH)."""
    client.force_login(make_user("Editor"))
    url = reverse("admin:articles_article_changelist")
    responses = [client.get(url, headers={"accept-encoding": "br, gzip"}) for _ in range(5)]

    first = responses[0]
    assert first["Content-Encoding"] == "gzip"
    assert {"cookie", "accept-encoding"} <= vary(first)
    assert b"Select article to change" in decoded(first)
    # The gzip header carries a file name of random length (Heal The Breach).
    assert all(response.content[3] & gzip.FNAME for response in responses)
    assert len({response.content.index(b"\0", 10) for response in responses}) > 1
    assert client.get(url, headers={"accept-encoding": "br"}).get("Content-Encoding") is None


# ETags and conditional requests


@pytest.fixture(params=["page cache on", "page cache off"])
def caching(request, settings, fresh_cache):
    settings.PAGE_CACHE_SECONDS = 300 if request.param == "page cache on" else 0


def test_each_coding_has_an_etag_of_its_own_derived_from_the_plain_one(client, site, caching):
    url = site.pages["article"]
    plain = client.get(url, headers={"accept-encoding": "identity"})["ETag"]
    assert plain.startswith('"') and plain.endswith('"')

    for coding in ("br", "gzip"):
        etag = client.get(url, headers={"accept-encoding": coding})["ETag"]
        assert etag == f'W/{plain[:-1]}-{coding}"'


@pytest.mark.parametrize("coding", ["br", "gzip", "identity"])
def test_if_none_match_with_the_etag_of_the_same_coding_answers_304(client, site, caching, coding):
    url = site.pages["article"]
    first = client.get(url, headers={"accept-encoding": coding})

    response = client.get(url, headers={"accept-encoding": coding, "if-none-match": first["ETag"]})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert vary(response) == vary(first)
    assert response["Cache-Control"] == first["Cache-Control"]
    assert response["Last-Modified"] == first["Last-Modified"]


def test_an_etag_of_another_coding_gets_the_full_page_in_the_coding_asked_for(client, site, caching):
    url = site.pages["article"]
    br = client.get(url, headers={"accept-encoding": "br"})["ETag"]

    response = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": br})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["ETag"] != br


def test_a_list_of_etags_matches_any_of_them(client, site):
    url = site.pages["home"]
    etags = [client.get(url, headers={"accept-encoding": coding})["ETag"] for coding in ("identity", "gzip", "br")]

    response = client.get(url, headers={"accept-encoding": "br", "if-none-match": ", ".join(etags)})

    assert response.status_code == 304
    assert response["ETag"] == etags[2]
