from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from articles.tests.factories import make_article
from breaking.models import TickerItem

from .factories import make_ticker_item

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
JUST_BEFORE = NOON - timedelta(microseconds=1)


def travel(instant):
    return time_machine.travel(instant, tick=False)


# Tickers


def test_ticker_item_appears_at_its_start_and_goes_at_its_expiry():
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=3))
    for instant, shown in [
        (JUST_BEFORE, False),
        (NOON, True),
        (NOON + timedelta(hours=3) - timedelta(microseconds=1), True),
        (NOON + timedelta(hours=3), False),
    ]:
        with travel(instant):
            assert TickerItem.objects.live().filter(pk=item.pk).exists() is shown, instant
            assert item.is_live() is shown, instant


def test_live_ticker_items_are_most_important_first_then_newest():
    old_urgent = make_ticker_item(priority=TickerItem.Priority.URGENT, starts_at=NOON - timedelta(hours=2))
    new_normal = make_ticker_item(starts_at=NOON - timedelta(minutes=5))
    old_normal = make_ticker_item(starts_at=NOON - timedelta(hours=1))
    high = make_ticker_item(priority=TickerItem.Priority.HIGH, starts_at=NOON - timedelta(hours=3))
    make_ticker_item(priority=TickerItem.Priority.URGENT, starts_at=NOON + timedelta(minutes=1))
    with travel(NOON):
        assert list(TickerItem.objects.live()) == [old_urgent, high, new_normal, old_normal]


def test_ticker_item_linking_to_a_scheduled_article_waits_for_the_article():
    article = make_article(published_at=NOON)
    item = make_ticker_item(article=article, starts_at=NOON - timedelta(hours=1))
    with travel(JUST_BEFORE):
        assert not TickerItem.objects.live().filter(pk=item.pk).exists()
        assert not item.is_live()
    with travel(NOON):
        assert TickerItem.objects.live().filter(pk=item.pk).exists()
        assert item.is_live()
    assert item.get_link() == article.get_absolute_url()


def test_ticker_item_refuses_both_an_article_and_an_external_link():
    item = TickerItem(ticker=make_ticker_item().ticker, text="Both", article=make_article(), url="https://example.org/")
    with pytest.raises(ValidationError, match="not both"):
        item.full_clean()
