from django.apps import AppConfig


class BreakingConfig(AppConfig):
    name = "breaking"
    verbose_name = "Breaking news"

    def ready(self):
        from newsroom import cache

        from . import invalidation, views

        invalidation.connect()
        cache.BLOCKS["ticker"] = views.ticker_block
