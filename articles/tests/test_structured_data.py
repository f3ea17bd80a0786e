"""What article pages tell search engines and social sites: the canonical address, OpenGraph and
Twitter card tags, and JSON-LD ``NewsArticle``, read back the way their parsers read them."""

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from articles.models import Correction
from newsroom.tests.uploads import image_upload

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
        lead_image=image_upload("photo.jpg", named="rig.jpg"),
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


def test_article_page_has_opengraph_and_twitter_card_tags(client, article):
    tags = meta_tags(client.get(article.get_absolute_url()).text)

    image = f"http://testserver/media/{article.lead_image.name}"
    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == "Oil falls for a third day"
    assert tags["og:description"] == tags["twitter:description"] == "Brent slid below $70 & kept falling."
    assert tags["og:url"] == "http://testserver/articles/oil-falls-for-a-third-day/"
    assert tags["og:image"] == tags["twitter:image"] == image
    assert tags["og:image:alt"] == "A rig at dusk"
    assert tags["twitter:card"] == "summary_large_image"
    assert datetime.fromisoformat(tags["article:published_time"]) == PUBLISHED
    assert tags["article:section"] == "Energy"


def test_image_tags_keep_media_served_from_another_host_as_it_is(client, article, settings):
    settings.MEDIA_URL = "https://media.example/"

    page = client.get(article.get_absolute_url()).text

    image = f"https://media.example/{article.lead_image.name}"
    tags = meta_tags(page)
    assert tags["og:image"] == tags["twitter:image"] == image
    assert structured_data(page)["image"] == [image]


def test_article_without_an_image_has_a_summary_card_and_no_image_tags(client):
    tags = meta_tags(client.get(make_article().get_absolute_url()).text)
    assert tags["twitter:card"] == "summary"
    assert "og:image" not in tags
    assert "twitter:image" not in tags


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
    assert data["publisher"] == {"@type": "Organization", "name": "Newsroom", "url": "http://testserver/"}
    assert data["articleSection"] == "Energy"
    assert data["isBasedOn"] == "https://oilprice.com/oil-falls"


def test_json_ld_dates_are_iso_with_a_time_zone(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)

    published = datetime.fromisoformat(data["datePublished"])
    modified = datetime.fromisoformat(data["dateModified"])
    assert published == PUBLISHED
    assert published.tzinfo is not None and modified.tzinfo is not None
    assert modified >= published


def test_json_ld_image_is_an_absolute_url_of_the_lead_image(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)
    assert data["image"] == [f"http://testserver/media/{article.lead_image.name}"]


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
    assert "image" not in data


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
