from django.urls import path

from newsroom.cache import cache_public_page

from . import corrections_views, feeds, search_views, views

app_name = "articles"
urlpatterns = [
    path("articles/<slug:slug>/", cache_public_page(views.ArticleDetailView.as_view()), name="detail"),
    path("sections/<slug:slug>/", cache_public_page(views.SectionDetailView.as_view()), name="section"),
    path("archive/", cache_public_page(views.ArchiveView.as_view()), name="archive"),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path("corrections/", cache_public_page(corrections_views.CorrectionListView.as_view()), name="corrections"),
    path("feeds/latest/", cache_public_page(feeds.LatestFeed()), name="feed-latest"),
    path("feeds/latest/atom/", cache_public_page(feeds.LatestAtomFeed()), name="feed-latest-atom"),
    path("feeds/sections/<slug:slug>/", cache_public_page(feeds.SectionFeed()), name="feed-section"),
    path("feeds/sections/<slug:slug>/atom/", cache_public_page(feeds.SectionAtomFeed()), name="feed-section-atom"),
    path("feeds/authors/<slug:slug>/", cache_public_page(feeds.AuthorFeed()), name="feed-author"),
    path("feeds/authors/<slug:slug>/atom/", cache_public_page(feeds.AuthorAtomFeed()), name="feed-author-atom"),
]
