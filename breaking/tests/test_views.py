"""What readers get of breaking news: the ticker bar in every page and /ticker.json, and the live
pages with the endpoint their script polls."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article
from breaking.models import TickerItem
from breaking.views import TICKER_LENGTH

from .factories import make_ticker_item

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


# The ticker


def test_ticker_json_lists_live_items_most_important_first_with_their_links(client):
    story = make_article(slug="refinery-strike")
    make_ticker_item(text="Normal, older", starts_at=hours_ago(3))
    make_ticker_item(text="Normal, newer", starts_at=hours_ago(1), url="https://example.com/live")
    make_ticker_item(text="Urgent", priority=20, article=story, starts_at=hours_ago(2))
    make_ticker_item(text="Not yet", starts_at=timezone.now() + timedelta(minutes=5))
    make_ticker_item(text="Over", starts_at=hours_ago(3), expires_at=hours_ago(2))
    make_ticker_item(text="About a draft", article=make_article(status=Article.Status.DRAFT))

    response = client.get("/ticker.json")

    assert response.status_code == 200
    assert [(item["text"], item["url"], item["priority"]) for item in response.json()["items"]] == [
        ("Urgent", "/articles/refinery-strike/", 20),
        ("Normal, newer", "https://example.com/live", 0),
        ("Normal, older", None, 0),
    ]


def test_ticker_json_may_be_kept_by_browsers_for_fifteen_seconds_at_most(client):
    response = client.get("/ticker.json")
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < max_age <= 15


@pytest.mark.parametrize("items", [1, 50])
def test_ticker_json_takes_one_query_however_many_items(client, django_assert_num_queries, items):
    articles = [make_article(), make_article()]
    for number in range(items):
        make_ticker_item(article=articles[number % 2] if number % 3 else None)

    with django_assert_num_queries(1):
        response = client.get("/ticker.json")

    assert len(response.json()["items"]) == min(items, TICKER_LENGTH)


def test_ticker_shows_the_most_important_items_first_and_at_most_ticker_length(client):
    for number in range(TICKER_LENGTH + 5):
        make_ticker_item(text=f"Normal {number}")
    urgent = make_ticker_item(text="Urgent item", priority=TickerItem.Priority.URGENT)

    shown = client.get("/ticker.json").json()["items"]

    assert len(shown) == TICKER_LENGTH
    assert shown[0]["id"] == urgent.pk
    page = client.get("/").text
    assert page.count("<li data-id=") == TICKER_LENGTH
    assert page.index("Urgent item") < page.index("Normal")
