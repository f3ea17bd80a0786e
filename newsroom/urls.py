from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from articles import sitemaps
from breaking.views import ticker_json

from . import media, seo, views
from .cache import block_page, cache_public_page

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
handler500 = views.server_error

SITEMAP_TAGS = ("list:latest", "cards")

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    # Uploaded images, local or in the bucket, each checked at every request (newsroom/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="media"),
    path("ticker.json", cache_public_page(ticker_json, max_seconds=15), name="ticker"),
    path("healthz", views.healthz, name="healthz"),
    re_path(r"^_blocks/(?P<name>[a-z-]+)/(?P<argument>[0-9]*)$", block_page, name="block"),
    path("robots.txt", cache_public_page(seo.RobotsView.as_view()), name="robots"),
    path("sitemap.xml", cache_public_page(sitemaps.index, tags=SITEMAP_TAGS), name="sitemap"),
    path(
        "sitemap-news.xml",
        cache_public_page(sitemap, params=("p",), tags=SITEMAP_TAGS),
        {"sitemaps": sitemaps.NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="news-sitemap",
    ),
    # After the news sitemap, whose address this pattern would take too.
    path(
        "sitemap-<slug:section>.xml",
        cache_public_page(sitemaps.part, params=("p",), tags=SITEMAP_TAGS),
        name="sitemap-section",
    ),
    # The tickers' admin pages before they moved into the breaking app (bookmarks, history links).
    re_path(
        r"^admin/articles/(?P<model>ticker|tickeritem)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/breaking/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("authors/", include("authors.urls")),
    path("", include("articles.urls")),
    path("", include("breaking.urls")),
]
