from django.apps import AppConfig


class BreakingConfig(AppConfig):
    name = "breaking"
    verbose_name = "Breaking news"

    def ready(self):
        from articles import sitemaps as article_sitemaps
        from newsroom import cache

        from . import invalidation, sitemaps, views

        invalidation.connect()
        cache.BLOCKS["ticker"] = views.ticker_block
        article_sitemaps.SITEMAPS["live"] = sitemaps.LiveStorySitemap
