"""What article pages tell search engines and social sites: the canonical address, OpenGraph and
Twitter card tags, and JSON-LD ``NewsArticle``, read back the way their parsers read them, and
checked against the schema.org vocabulary (release 30.0) and Google's Article guidelines."""

import html
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from articles.models import Correction
from newsroom.tests.standards import schema_org_problems
from newsroom.tests.uploads import image_upload, jpeg_upload

from .factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def structured_data(page):
    """The page's one JSON-LD block, parsed."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


def meta_tags(page):
    """{property or name: content} of the page's <meta> tags, unescaped."""
    return {
        key: html.unescape(content)
        for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    }


@pytest.fixture
def article(media_root, fresh_cache):
    ann, bo = make_author(name="Ann Lee"), make_author(name="Bo Chan")
    article = make_article(
        headline="Oil falls for a third day",
        dek="Brent slid below $70 & kept falling.",
        section=make_section(name="Energy"),
        authors=[bo, ann],
        lead_image=jpeg_upload("rig.jpg", width=1600, height=1000),
        lead_image_alt="A rig at dusk",
        source_name="Oilprice.com",
        source_url="https://oilprice.com/oil-falls",
        published_at=PUBLISHED,
    )
    make_correction(
        article, kind=Correction.Kind.UPDATE, text="Talks resumed.", published_at=PUBLISHED + timedelta(hours=5)
    )
    make_correction(article, text="The refinery is in Baytown.", published_at=PUBLISHED + timedelta(hours=2))
    return article


def test_article_page_names_its_canonical_address(client, article):
    page = client.get(article.get_absolute_url()).text
    assert '<link rel="canonical" href="http://testserver/articles/oil-falls-for-a-third-day/">' in page


def crop_url(article, shape, width, media="http://testserver/media/"):
    """Where the crop of the article's lead image in ``shape`` is, ``width`` pixels wide."""
    stem = article.lead_image.name.rsplit(".", 1)[0]
    pattern = rf"{re.escape(media)}renditions/{re.escape(stem)}-[0-9a-f]{{10}}-{shape}-{width}\.jpg"
    return re.compile(pattern)


DEFAULT_CARD = "http://testserver/static/brand/card-16x9.png"


def test_article_page_has_opengraph_and_twitter_card_tags(client, article):
    tags = meta_tags(client.get(article.get_absolute_url()).text)

    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == "Oil falls for a third day"
    assert tags["og:description"] == tags["twitter:description"] == "Brent slid below $70 & kept falling."
    assert tags["og:url"] == "http://testserver/articles/oil-falls-for-a-third-day/"
    assert tags["og:image"] == tags["twitter:image"]
    assert crop_url(article, "16x9", 1200).fullmatch(tags["og:image"])
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "675")
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "A rig at dusk"
    assert tags["twitter:card"] == "summary_large_image"
    assert datetime.fromisoformat(tags["article:published_time"]) == PUBLISHED
    assert tags["article:section"] == "Energy"


def test_image_tags_keep_media_served_from_another_host_as_it_is(client, article, settings):
    settings.MEDIA_URL = "https://media.example/"

    page = client.get(article.get_absolute_url()).text

    tags = meta_tags(page)
    assert tags["og:image"] == tags["twitter:image"]
    assert crop_url(article, "16x9", 1200, media="https://media.example/").fullmatch(tags["og:image"])
    assert crop_url(article, "1x1", 1000, media="https://media.example/").fullmatch(structured_data(page)["image"][2])


def test_an_article_without_an_image_has_the_sites_card_with_its_size_and_text(client):
    tags = meta_tags(client.get(make_article().get_absolute_url()).text)

    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"] == tags["twitter:image"] == DEFAULT_CARD
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "675")
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "The Newsroom logo"


def test_an_image_too_small_for_any_shape_gives_way_to_the_sites_card(client, media_root, fresh_cache):
    article = make_article(lead_image=image_upload("photo.jpg", named="tiny.jpg"), lead_image_alt="Tiny")

    page = client.get(article.get_absolute_url()).text

    assert meta_tags(page)["og:image"] == DEFAULT_CARD
    assert structured_data(page)["image"][0] == DEFAULT_CARD


def test_json_ld_describes_a_news_article_with_every_author_in_byline_order(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Oil falls for a third day"
    assert data["description"] == "Brent slid below $70 & kept falling."
    assert data["url"] == data["mainEntityOfPage"]["@id"] == "http://testserver/articles/oil-falls-for-a-third-day/"
    assert data["author"] == [
        {"@type": "Person", "name": "Bo Chan", "url": "http://testserver/authors/bo-chan/"},
        {"@type": "Person", "name": "Ann Lee", "url": "http://testserver/authors/ann-lee/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/brand/logo.png",
            "width": 512,
            "height": 512,
        },
    }
    assert data["articleSection"] == "Energy"
    assert data["isBasedOn"] == "https://oilprice.com/oil-falls"


def test_json_ld_dates_are_iso_with_a_time_zone(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)

    published = datetime.fromisoformat(data["datePublished"])
    modified = datetime.fromisoformat(data["dateModified"])
    assert published == PUBLISHED
    assert published.tzinfo is not None and modified.tzinfo is not None
    assert modified >= published


def test_json_ld_images_are_the_lead_image_in_16_9_4_3_and_1_1(client, article, media_root):
    data = structured_data(client.get(article.get_absolute_url()).text)

    sizes = [("16x9", 1200, 675), ("4x3", 1200, 900), ("1x1", 1000, 1000)]
    assert len(data["image"]) == 3
    for url, (shape, width, height) in zip(data["image"], sizes, strict=True):
        assert crop_url(article, shape, width).fullmatch(url)
        with Image.open(media_root / url.removeprefix("http://testserver/media/")) as image:
            assert (image.format, image.size) == ("JPEG", (width, height))


def test_json_ld_of_an_article_without_an_image_has_the_sites_card_in_the_three_shapes(client):
    data = structured_data(client.get(make_article().get_absolute_url()).text)

    assert data["image"] == [
        "http://testserver/static/brand/card-16x9.png",
        "http://testserver/static/brand/card-4x3.png",
        "http://testserver/static/brand/card-1x1.png",
    ]


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("card-16x9.png", (1200, 675)),
        ("card-4x3.png", (1200, 900)),
        ("card-1x1.png", (1200, 1200)),
        ("logo.png", (512, 512)),
    ],
)
def test_the_sites_images_are_the_size_pages_say(client, name, size):
    from newsroom import seo

    declared = {Path(path).name: (width, height) for path, width, height in [*seo.DEFAULT_IMAGES.values(), seo.LOGO]}
    with Image.open(settings.BASE_DIR / "static" / "brand" / name) as image:
        assert image.size == declared[name] == size
    assert client.get(f"/static/brand/{name}").status_code == 200


def test_json_ld_is_modified_when_a_correction_is_published(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)

    assert datetime.fromisoformat(data["dateModified"]) >= PUBLISHED + timedelta(hours=5)


def test_json_ld_lists_the_corrections_oldest_first(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)

    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Correction: The refinery is in Baytown.",
            "datePublished": (PUBLISHED + timedelta(hours=2)).isoformat(),
        },
        {
            "@type": "CorrectionComment",
            "text": "Update: Talks resumed.",
            "datePublished": (PUBLISHED + timedelta(hours=5)).isoformat(),
        },
    ]


def test_json_ld_credits_wire_copy_to_the_agency_and_describes_it_from_the_body(client):
    article = make_article(credit_line="Reuters", dek="", body="<p>Oil &amp; gas fell.</p><p>Again.</p>")

    data = structured_data(client.get(article.get_absolute_url()).text)

    assert data["author"] == [{"@type": "Organization", "name": "Reuters"}]
    assert data["description"] == "Oil & gas fell. Again."
    assert "correction" not in data


@pytest.mark.parametrize(
    ("credit_line", "url"),
    [("Oilprice.com", "https://oilprice.com/"), ("Newsroom", "http://testserver/"), ("Reuters", None)],
)
def test_json_ld_gives_a_credited_organisation_its_site_where_known(client, credit_line, url):
    article = make_article(credit_line=credit_line, source_name="Oilprice.com", source_url="https://oilprice.com/x")

    [author] = structured_data(client.get(article.get_absolute_url()).text)["author"]

    assert author.get("url") == url


def test_json_ld_of_every_kind_of_article_is_in_the_schema_org_vocabulary(client, article):
    wire = make_article(credit_line="Oilprice.com", source_name="Oilprice.com", source_url="https://oilprice.com/x")
    plain = make_article(dek="", section=None)

    for shown in (article, wire, plain):
        data = structured_data(client.get(shown.get_absolute_url()).text)
        assert schema_org_problems(data) == [], shown


def test_the_vocabulary_check_finds_unknown_and_misplaced_terms():
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "A",
        "colour": "red",
        "author": {"@type": "Persona", "name": "B"},
        "publisher": {"@type": "Organization", "name": "C", "logo": {"@type": "ImageObject", "url": "x"}},
        "image": {"@type": "Person", "name": "D"},
        "correction": {"@type": "CorrectionComment", "text": "E", "headline": "F", "jobTitle": "G"},
    }

    assert schema_org_problems(data) == [
        "$.colour: no property 'colour'",
        "$.author[0]: Persona is not in its range",
        "$.author: no type 'Persona'",
        "$.author.name: not a property of Persona",
        "$.image[0]: Person is not in its range",
        "$.correction.jobTitle: not a property of CorrectionComment",
    ]


@pytest.mark.parametrize("with_image", [True, False])
def test_every_article_meets_googles_article_guidelines(client, media_root, fresh_cache, with_image):
    """https://developers.google.com/search/docs/appearance/structured-data/article: a headline,
    images of at least 50,000 pixels in 16:9, 4:3 and 1:1, dates with a time zone, every author
    with a name and a page, and the publisher with its logo."""
    image = {"lead_image": jpeg_upload("a.jpg", width=800, height=600), "lead_image_alt": "A"} if with_image else {}
    article = make_article(authors=[make_author()], **image)

    data = structured_data(client.get(article.get_absolute_url()).text)

    assert data["headline"]
    assert len(data["image"]) == 3
    for url in data["image"]:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        with Image.open(io.BytesIO(body)) as shown:
            assert shown.width * shown.height >= 50_000
    assert datetime.fromisoformat(data["datePublished"]).tzinfo is not None
    assert all(author["name"] and author["url"].startswith("http://testserver/") for author in data["author"])
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/")


def test_json_ld_cannot_be_closed_early_by_a_headline(client):
    headline = 'Why </script><script>alert("x")</script> & <!-- matter'
    article = make_article(headline=headline, dek="</SCRIPT> in a dek")

    page = client.get(article.get_absolute_url()).text

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["headline"] == headline
    assert data["description"] == "</SCRIPT> in a dek"
    assert "<script>alert" not in page


def test_preview_is_not_indexed_and_carries_no_structured_data(editor_client):
    article = make_article(status="draft", headline="Not out yet")

    page = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk])).text

    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'rel="canonical"' not in page
    assert "application/ld+json" not in page
