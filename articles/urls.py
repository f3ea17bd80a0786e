from django.urls import path

from newsroom.cache import cache_public_page

from . import corrections_views, feeds, search_views, views
from .filters import ArchiveFilter

app_name = "articles"
# The query parameters each page reads: any other shares the cached page.
PAGED = ("page",)
ARCHIVE_PARAMS = (*ArchiveFilter.base_filters, "page")
# What feeds show of every article: its card, its section, its corrections.
LATEST = ("list:latest", "cards", "sections", "list:corrections")
FOR_LIST = ("cards", "sections", "list:corrections")

urlpatterns = [
    path("articles/<slug:slug>/", cache_public_page(views.ArticleDetailView.as_view()), name="detail"),
    path(
        "sections/<slug:slug>/",
        cache_public_page(views.SectionDetailView.as_view(), params=PAGED),
        name="section",
    ),
    path("archive/", cache_public_page(views.ArchiveView.as_view(), params=ARCHIVE_PARAMS), name="archive"),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path(
        "corrections/",
        cache_public_page(corrections_views.CorrectionListView.as_view(), params=PAGED),
        name="corrections",
    ),
    path("feeds/latest/", cache_public_page(feeds.LatestFeed(), tags=LATEST), name="feed-latest"),
    path("feeds/latest/atom/", cache_public_page(feeds.LatestAtomFeed(), tags=LATEST), name="feed-latest-atom"),
    path("feeds/sections/<slug:slug>/", cache_public_page(feeds.SectionFeed(), tags=FOR_LIST), name="feed-section"),
    path(
        "feeds/sections/<slug:slug>/atom/",
        cache_public_page(feeds.SectionAtomFeed(), tags=FOR_LIST),
        name="feed-section-atom",
    ),
    path("feeds/authors/<slug:slug>/", cache_public_page(feeds.AuthorFeed(), tags=FOR_LIST), name="feed-author"),
    path(
        "feeds/authors/<slug:slug>/atom/",
        cache_public_page(feeds.AuthorAtomFeed(), tags=FOR_LIST),
        name="feed-author-atom",
    ),
]
