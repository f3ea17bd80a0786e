"""What breaking-news changes make stale in the page cache (newsroom/cache.py), named as tags:

- ``ticker``: the breaking-news bar and /ticker.json.

A ticker item starting or ending with no write is purged by ``due()`` at the first request
after it happens.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from newsroom import cache

from .models import Ticker, TickerItem


def ticker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge("ticker")


def due(since, until):
    """(tags, instant) for the ticker items that started or ended between ``since`` and ``until``."""
    started = Q(starts_at__gt=since, starts_at__lte=until)
    expired = Q(expires_at__gt=since, expires_at__lte=until)
    changes = []
    for item in TickerItem.objects.filter(started | expired).values("starts_at", "expires_at"):
        instant = item["expires_at"] if since < (item["expires_at"] or since) <= until else item["starts_at"]
        changes.append(({"ticker"}, instant))
    return changes


def next_due():
    """The next instant a ticker item starts or ends, as a Unix time."""
    now = timezone.now()
    firsts = [
        TickerItem.objects.filter(starts_at__gt=now).order_by("starts_at").values_list("starts_at"),
        TickerItem.objects.filter(expires_at__gt=now).order_by("expires_at").values_list("expires_at"),
    ]
    instants = [instant for first in firsts if (instant := first.first()) is not None]
    return min((instant.timestamp() for (instant,) in instants), default=None)


def connect():
    for model in (Ticker, TickerItem):
        post_save.connect(ticker_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-saved")
        post_delete.connect(ticker_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-deleted")
    cache.DUE.append(due)
    cache.NEXT_DUE.append(next_due)
