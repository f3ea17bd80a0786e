from django.urls import path

from newsroom.cache import cache_public_page

from . import feeds, views

app_name = "breaking"
# The query parameters each page reads: any other shares the cached page.
PAGED = ("page",)

urlpatterns = [
    path("live/<slug:slug>/", cache_public_page(views.LiveStoryView.as_view(), params=PAGED), name="live"),
    path("live/<slug:slug>/updates.json", cache_public_page(views.live_updates_json), name="live-updates"),
    path("live/<slug:slug>/feed/", cache_public_page(feeds.LiveUpdatesFeed()), name="live-feed"),
    path("live/<slug:slug>/feed/atom/", cache_public_page(feeds.LiveUpdatesAtomFeed()), name="live-feed-atom"),
]
