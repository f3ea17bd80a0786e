"""Sitemaps for search engines: every public page, and the Google News sitemap of recent articles."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from authors.models import Author

from .feeds import last_modified
from .models import Article, Section

# Google News reads articles of the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


def newest_publication(**filters):
    """The publication time of the newest public article matching ``filters``, as a subquery."""
    newest = Article.objects.published().filter(**filters).order_by("-published_at")
    return Subquery(newest.values("published_at")[:1])


class ArticleSitemap(Sitemap):
    def items(self):
        # Only what the sitemap prints: the bodies of thousands of articles would be loaded for nothing.
        return Article.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, article):
        return last_modified(article)


class SectionSitemap(Sitemap):
    def items(self):
        return Section.objects.annotate(newest=newest_publication(section=OuterRef("pk")))

    def lastmod(self, section):
        return section.newest


class AuthorSitemap(Sitemap):
    """Authors with at least one public article; their pages are empty otherwise."""

    def items(self):
        return Author.objects.annotate(newest=newest_publication(bylines__author=OuterRef("pk"))).filter(
            newest__isnull=False
        )

    def lastmod(self, author):
        return max(author.newest, author.updated_at)


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self):
        recent = Article.objects.published().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        return recent.only("slug", "headline", "published_at", "updated_at")

    def lastmod(self, article):
        return last_modified(article)


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
