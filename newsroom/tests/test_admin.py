"""The shared admin defaults name the inputs that have no label of their own."""

import re

import pytest
from django.urls import reverse

from articles.tests.factories import make_article, make_author
from breaking.tests.factories import breaking_news, make_ticker_item

pytestmark = pytest.mark.django_db


def input_tag(page, name):
    """The opening tag of the input or select called ``name``."""
    return re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>', page)[0]


def test_date_and_time_inputs_are_named_after_their_field_and_part(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).text
    assert 'aria-label="Publication time (date)"' in input_tag(page, "published_at_0")
    assert 'aria-label="Publication time (time)"' in input_tag(page, "published_at_1")
    assert 'aria-label="Expiry time (date)"' in input_tag(page, "expires_at_0")
    assert 'aria-label="Expiry time (time)"' in input_tag(page, "expires_at_1")


def test_inputs_in_the_rows_of_a_table_inline_are_named_after_their_column(admin_client):
    article = make_article(authors=[make_author()])
    make_ticker_item(starts_at=article.published_at)
    byline = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    ticker = admin_client.get(reverse("admin:breaking_ticker_change", args=[breaking_news().pk])).text

    assert 'aria-label="Author"' in input_tag(byline, "bylines-0-author")
    assert 'aria-label="Role"' in input_tag(byline, "bylines-0-role")
    assert 'aria-label="Order"' in input_tag(byline, "bylines-0-order")
    assert 'aria-label="Delete"' in input_tag(byline, "bylines-0-DELETE")
    assert 'aria-label="Text"' in input_tag(ticker, "items-0-text")
    assert 'aria-label="External link"' in input_tag(ticker, "items-0-url")
    assert 'aria-label="Start time (date)"' in input_tag(ticker, "items-0-starts_at_0")
    assert "aria-label" not in input_tag(ticker, "items-0-id")  # hidden
