"""The breaking-news bar every page shares, and its data for the page script."""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control

from newsroom.cache import shows
from newsroom.fragments import render_fragment

from .models import TickerItem

TICKER_LENGTH = 10


def ticker_block(argument):
    """The breaking-news bar: (html, tags, valid until) for the block every page shares."""
    items = ticker_items()
    shown = [(item.pk, item.priority, item.text, item.get_link()) for item in items]
    return render_fragment(("includes/ticker.html",), {"items": items}, shown), {"ticker"}, None


def ticker_items():
    """The items the ticker bar shows now: the most important live ones, at most TICKER_LENGTH."""
    items = TickerItem.objects.live().select_related("article").only("text", "url", "priority", "article__slug")
    return list(items[:TICKER_LENGTH])


def ticker_json(request):
    """What the ticker shows now, for the page script to refresh without a reload."""
    shows(request, "ticker")
    items = ticker_items()
    payload = {
        "items": [
            {"id": item.pk, "text": item.text, "url": item.get_link() or None, "priority": item.priority}
            for item in items
        ]
    }
    response = JsonResponse(payload)
    patch_cache_control(response, public=True, max_age=15)
    return response
