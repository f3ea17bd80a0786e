"""Small helpers that make breaking-news rows with sensible defaults; override what a test cares about."""

import itertools

from breaking.models import Ticker, TickerItem

_sequence = itertools.count(1)


def breaking_news():
    return Ticker.objects.get(slug="breaking-news")


def make_ticker_item(**fields):
    fields.setdefault("ticker", breaking_news())
    fields.setdefault("text", f"Breaking item {next(_sequence)}")
    return TickerItem.objects.create(**fields)
