"""RSS and Atom feeds of published articles: the latest, one per section and one per author."""

import html
import re
import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

from authors.models import Author
from newsroom.cache import shows

from .models import Article, ArticleAuthor, Section

FEED_LENGTH = 30
EXCERPT_WORDS = 60
# Entry ids must never change, but slugs can: ids are derived from the primary key instead.
ARTICLE_ID_NAMESPACE = uuid.UUID("5d1f0c1e-8f5a-4f57-9b0e-6c2f3b7a9d41")
# Where the body's blocks end, so that their words do not run together once the tags go.
BLOCK_END = re.compile(r"</(?:p|h2|h3|h4|li|blockquote)>|<br>|<hr>")


def last_modified(article):
    """An article scheduled before it went out was last saved before its publication time."""
    return max(article.updated_at, article.published_at)


def excerpt(body):
    """The first words of a (sanitised) body as plain text."""
    text = html.unescape(strip_tags(BLOCK_END.sub(" ", body)))
    return Truncator(" ".join(text.split())).words(EXCERPT_WORDS)


def credited_names(article):
    """Everyone on the byline, "A, B and C"; the credit line when there is no byline."""
    names = [entry.author.name for entry in article.bylines.all()]
    if not names:
        return article.credit_line or None
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


class ArticleFeed(Feed):
    """Items and their fields; subclasses say which articles and what the feed is called."""

    item_guid_is_permalink = False

    def author_name(self):
        return settings.SITE_NAME

    def items(self, obj):
        bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        articles = Article.objects.published().select_related("section").prefetch_related(bylines)
        return self.filter_articles(articles, obj)[:FEED_LENGTH]

    def filter_articles(self, articles, obj):
        return articles

    def item_title(self, article):
        # RSS readers treat titles as HTML (Django's default escapes them too).
        return escape(article.headline)

    def item_description(self, article):
        if article.dek:
            return escape(article.dek)
        return escape(excerpt(article.body))

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return last_modified(article)

    def item_author_name(self, article):
        return credited_names(article)

    def item_categories(self, article):
        return [article.section.name] if article.section else []

    def item_guid(self, article):
        return f"urn:uuid:{uuid.uuid5(ARTICLE_ID_NAMESPACE, str(article.pk))}"


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

    def item_title(self, article):
        # Atom titles are text constructs: escaping them would show the entities.
        return article.headline


class LatestFeed(ArticleFeed):
    def title(self, obj):
        return f"{settings.SITE_NAME}: latest stories"

    def link(self, obj):
        return reverse("home")

    def description(self, obj):
        return f"The latest articles from {settings.SITE_NAME}."


class LatestAtomFeed(AtomMixin, LatestFeed):
    pass


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        section = get_object_or_404(Section.objects.published(), slug=slug)
        shows(request, f"list:section:{section.pk}")
        return section

    def filter_articles(self, articles, section):
        return articles.filter(section=section)

    def title(self, section):
        return f"{settings.SITE_NAME}: {section.name}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"The latest {section.name} articles from {settings.SITE_NAME}."


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        author = get_object_or_404(Author.objects.published(), slug=slug)
        shows(request, f"list:author:{author.pk}", f"author:{author.pk}")
        return author

    def filter_articles(self, articles, author):
        return articles.filter(bylines__author=author)

    def title(self, author):
        return f"{settings.SITE_NAME}: articles by {author.name}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The latest articles by {author.name} for {settings.SITE_NAME}."


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
