"""RSS and Atom feeds of published articles: the latest, one per section and one per author.

Each entry names every author (Atom: an ``<author>`` with their page; RSS: a ``dc:creator``, as
RSS's own ``<author>`` is an e-mail address) and shows its corrections: their text after the
summary, and the time of the latest as the entry's ``<updated>`` (``atom:updated`` in RSS). A
browser opening a feed shows it as a page (static/feeds/feed.xsl, then feed.css), not raw XML.
"""

import html
import re
import uuid
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet, rfc3339_date
from django.utils.html import escape, format_html, strip_tags
from django.utils.text import Truncator
from django.utils.xmlutils import SimplerXMLGenerator

from authors.models import Author
from newsroom.cache import shows

from .credits import credits
from .models import Article, ArticleAuthor, Section

FEED_LENGTH = 30
EXCERPT_WORDS = 60
# Entry ids must never change, but slugs can: ids are derived from the primary key instead.
ARTICLE_ID_NAMESPACE = uuid.UUID("5d1f0c1e-8f5a-4f57-9b0e-6c2f3b7a9d41")
# Where the body's blocks end, so that their words do not run together once the tags go.
BLOCK_END = re.compile(r"</(?:p|h2|h3|h4|li|blockquote)>|<br>|<hr>")
CORRECTION_TIME = "j M Y, H:i T"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
# Browsers show a document served as application/rss+xml or atom+xml as plain text, stylesheets
# unapplied; as XML they apply them. Feed readers read the document, not the type, and find the
# feeds by the types of the pages' <link rel="alternate">.
BROWSABLE_XML = "application/xml; charset=utf-8"


def last_modified(article):
    """An article scheduled before it went out was last saved before its publication time."""
    return max(article.updated_at, article.published_at)


def last_changed(article):
    """When readers last saw the article change: its last save, or its newest correction when
    that came later (the corrections prefetched)."""
    return max([last_modified(article), *(correction.published_at for correction in article.corrections.all())])


def excerpt(body):
    """The first words of a (sanitised) body as plain text, read a block at a time until there
    are enough: the rest of a long body is never stripped of its tags."""
    words, start = [], 0
    for end in BLOCK_END.finditer(body):
        words += html.unescape(strip_tags(body[start : end.start()])).split()
        start = end.end()
        if len(words) > EXCERPT_WORDS:
            break
    else:
        words += html.unescape(strip_tags(body[start:])).split()
    return Truncator(" ".join(words)).words(EXCERPT_WORDS)


def with_corrections(summary, article):
    """The HTML of an entry: ``summary`` (plain text), then each correction with its time."""
    corrections = [
        format_html(
            "<p><strong>{}</strong>, {}: {}</p>",
            correction.get_kind_display(),
            format_date(timezone.localtime(correction.published_at), CORRECTION_TIME),
            correction.text,
        )
        for correction in article.corrections.all()
    ]
    if not corrections:
        return escape(summary)
    return format_html("<p>{}</p>", summary) + "".join(corrections)


class RssWithCredits(Rss201rev2Feed):
    """RSS 2.0 with a ``dc:creator`` per author and ``atom:updated`` for the last change."""

    content_type = BROWSABLE_XML

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for credit in item["credits"]:
            handler.addQuickElement("dc:creator", credit.name)
        handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


class AtomWithCredits(Atom1Feed):
    """Atom with an ``<author>`` per author, and the stylesheets Django writes only into RSS."""

    content_type = BROWSABLE_XML

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for credit in item["credits"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", credit.name)
            if credit.url:
                handler.addQuickElement("uri", urljoin(item["link"], credit.url))
            handler.endElement("author")


class ArticleFeed(Feed):
    """Items and their fields; subclasses say which articles and what the feed is called."""

    feed_type = RssWithCredits
    item_guid_is_permalink = False

    def author_name(self):
        return settings.SITE_NAME

    def stylesheets(self, obj):
        """For browsers: the page the XSLT makes of the feed takes its styles from the second."""
        return [
            Stylesheet(static("feeds/feed.xsl"), mimetype="text/xsl"),
            Stylesheet(static("feeds/feed.css"), mimetype="text/css"),
        ]

    def items(self, obj):
        bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        articles = Article.objects.published().select_related("section").prefetch_related(bylines, "corrections")
        return self.filter_articles(articles, obj)[:FEED_LENGTH]

    def filter_articles(self, articles, obj):
        return articles

    def item_title(self, article):
        # RSS readers treat titles as HTML (Django's default escapes them too).
        return escape(article.headline)

    def item_description(self, article):
        return with_corrections(article.dek or excerpt(article.body), article)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return last_changed(article)

    def item_extra_kwargs(self, article):
        return {"credits": credits(article)}

    def item_categories(self, article):
        return [article.section.name] if article.section else []

    def item_guid(self, article):
        return f"urn:uuid:{uuid.uuid5(ARTICLE_ID_NAMESPACE, str(article.pk))}"


class AtomMixin:
    feed_type = AtomWithCredits

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
