"""Small helpers that make breaking-news rows with sensible defaults; override what a test cares about."""

import itertools
from datetime import timedelta

from django.utils import timezone

from breaking.models import LiveStory, LiveUpdate, Ticker, TickerItem

_sequence = itertools.count(1)


def breaking_news():
    return Ticker.objects.get(slug="breaking-news")


def make_ticker_item(**fields):
    fields.setdefault("ticker", breaking_news())
    fields.setdefault("text", f"Breaking item {next(_sequence)}")
    return TickerItem.objects.create(**fields)


def make_live_story(**fields):
    """A live story readers can see, unless ``status`` or ``starts_at`` say otherwise."""
    number = next(_sequence)
    fields.setdefault("headline", f"Live story number {number}")
    fields.setdefault("status", LiveStory.Status.LIVE)
    fields.setdefault("starts_at", timezone.now() - timedelta(hours=1))
    return LiveStory.objects.create(**fields)


def make_update(story, *, authors=(), **fields):
    number = next(_sequence)
    fields.setdefault("body", f"<p>Update number {number}.</p>")
    update = LiveUpdate.objects.create(story=story, **fields)
    update.authors.set(authors)
    return update
