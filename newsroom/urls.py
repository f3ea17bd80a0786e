from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS
from articles.views import ticker_json

from . import seo, views
from .cache import cache_public_page

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("ticker.json", cache_public_page(ticker_json, max_seconds=15), name="ticker"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", cache_public_page(seo.RobotsView.as_view()), name="robots"),
    path("sitemap.xml", cache_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        cache_public_page(sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="news-sitemap",
    ),
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
