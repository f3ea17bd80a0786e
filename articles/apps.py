from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from authors.models import Author
        from newsroom.cache import invalidate_pages

        from .models import Article, ArticleAuthor, Correction, Section, SlugRedirect, Ticker, TickerItem

        # Anything a public page can show makes cached pages stale, whichever path saved it.
        for model in (Article, ArticleAuthor, Correction, Section, SlugRedirect, Ticker, TickerItem, Author):
            post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"invalidate-{model.__name__}-save")
            post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"invalidate-{model.__name__}-delete")
