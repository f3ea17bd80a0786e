from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from django.db.backends.signals import connection_created

        from newsroom import cache

        from . import invalidation, search, views

        # The function SQLite's triggers call to keep the search vocabulary (migration 0014).
        connection_created.connect(search.register_sqlite_functions, dispatch_uid="articles-search-words")
        # A change makes stale only the cached pages that show what it changed, whichever path
        # saved it; time-driven changes are purged when they happen.
        invalidation.connect()
        cache.BLOCKS["more-top-reads"] = views.more_top_reads_block
