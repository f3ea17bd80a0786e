from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from newsroom import cache

        from . import invalidation, views

        # A change makes stale only the cached pages that show what it changed, whichever path
        # saved it; time-driven changes are purged when they happen.
        invalidation.connect()
        cache.BLOCKS["more-top-reads"] = views.more_top_reads_block
