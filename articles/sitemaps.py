"""Sitemaps for search engines: ``/sitemap.xml``, an index of the parts that together list every
public page, and ``/sitemap-news.xml``, the Google News sitemap of the last two days.

``/sitemap-pages.xml`` lists the site's own lists: home, archive, authors index, corrections.

Articles are listed in parts of ``PART_SIZE`` consecutive ids (``/sitemap-articles.xml?p=N``):
an article stays in the same part for good, so a part changes only when one of its own articles
does, and the index gives each part the time its newest change was made, for crawlers to read
again only the parts that moved. A part is one range read of an index in id order; the index is
one pass over an index of the public articles, with no table read. Sections have one part, and
authors parts of ``PART_SIZE`` ids too; both are dated from the latest articles only
(``DATED_BY_LATEST``). No query counts rows or runs once per row.
"""

from datetime import datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger
from django.db.models import F, Max, Min
from django.db.models.functions import Greatest, TruncDate
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape

from newsroom.cache import shows

from .feeds import last_modified
from .filters import published_authors
from .models import Article, ArticleAuthor, Section, public_at

PART_SIZE = 2000
SLUG_MARK = "slug-of-the-item"
# Sections and authors are dated by the newest of this many latest articles they appear in; one
# that appears in none of them has had no new article for months, and is listed without a date.
DATED_BY_LATEST = 5000
# Google News reads articles of the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class KeyRangePaginator:
    """What the sitemap views ask of a paginator, for pages of ``per_page`` consecutive primary
    keys: page ``n`` holds the rows whose key is above ``(n - 1) * per_page`` and at most
    ``n * per_page``, so a row never moves to another page as rows come and go."""

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        last = number * self.per_page
        rows = list(self.queryset.filter(pk__gt=last - self.per_page, pk__lte=last).order_by("pk"))
        if not rows:
            raise EmptyPage("That page contains no results")
        return Page(rows, number, self)

    def parts(self, dates):
        """``[(page number, date)]`` for the pages that hold a row, from ``{key: date}``: a page's
        date is the latest of its rows' dates (None when none has one)."""
        parts = {}
        for key, date in dates.items():
            parts.setdefault((key - 1) // self.per_page + 1, []).append(date)
        return [(number, max(filter(None, found), default=None)) for number, found in sorted(parts.items())]


def latest_window():
    """The earliest publication time and the lowest id among the ``DATED_BY_LATEST`` newest
    public articles, ``(None, None)`` when there are none: bounds that let a query read those
    articles, and their bylines, as a range of an index."""
    latest = Article.objects.published().order_by("-published_at", "-pk")[:DATED_BY_LATEST]
    window = latest.aggregate(since=Min("published_at"), first=Min("pk"))
    return window["since"], window["first"]


class PartedSitemap(Sitemap):
    """Parts of ``PART_SIZE`` ids (``KeyRangePaginator``), each item's address built from one
    reverse() of ``url_name`` rather than one per item."""

    limit = PART_SIZE
    url_name = None

    @property
    def paginator(self):
        return KeyRangePaginator(self.items(), self.limit)

    @cached_property
    def address(self):
        return reverse(self.url_name, kwargs={"slug": SLUG_MARK})

    def location(self, item):
        return self.address.replace(SLUG_MARK, item.slug)


class ArticleSitemap(PartedSitemap):
    url_name = "articles:detail"

    def items(self):
        # Only what the sitemap prints, as plain rows: thousands of model instances cost more.
        # The day the article last changed (an article scheduled before it went out was last
        # saved before it was published), in the newsroom's time zone.
        changed = TruncDate(Greatest("updated_at", "published_at"))
        return Article.objects.published().annotate(changed=changed).values_list("slug", "changed", named=True)

    def lastmod(self, article):
        return article.changed

    def parts(self):
        """``[(part number, time of its newest change)]`` for the parts that list an article."""
        # PostgreSQL keeps statistics on this very expression (migration 0011).
        part = (F("pk") - 1) / self.limit + 1
        changed = (
            Article.objects.published()
            .annotate(part=part)
            .values("part")
            .annotate(lastmod=Max(Greatest("updated_at", "published_at")))
            .order_by("part")
        )
        return [(row["part"], row["lastmod"]) for row in changed]


class PageSitemap(Sitemap):
    """The lists every reader can open that no other part names: the home page, the archive,
    the authors index and the corrections log. Undated: each changes with any article."""

    def items(self):
        return ["home", "articles:archive", "authors:list", "articles:corrections"]

    def location(self, url_name):
        return reverse(url_name)

    def lastmod(self, url_name):
        return None

    def parts(self):
        return [(1, None)]


class SectionSitemap(Sitemap):
    def items(self):
        newest = {}
        since, first = latest_window()
        if since:
            latest = Article.objects.published().filter(published_at__gte=since, pk__gte=first)
            newest = dict(latest.values_list("section").annotate(Max("published_at")).order_by())
        sections = list(Section.objects.all())
        for section in sections:
            section.newest = newest.get(section.pk)
        return sections

    def lastmod(self, section):
        return section.newest

    def parts(self):
        sections = self.items()
        dates = [section.newest for section in sections if section.newest]
        return [(1, max(dates, default=None))] if sections else []


class AuthorSitemap(PartedSitemap):
    """Authors with at least one public article; their pages are empty otherwise."""

    url_name = "authors:detail"

    def items(self):
        return published_authors().values_list("pk", "slug", "updated_at", named=True)

    @cached_property
    def newest(self):
        since, first = latest_window()
        if since is None:
            return {}
        public = public_at(timezone.now(), through="article__")
        latest = ArticleAuthor.objects.filter(public, article__published_at__gte=since, article_id__gte=first)
        return dict(latest.values_list("author").annotate(Max("article__published_at")).order_by())

    def lastmod(self, author):
        newest = self.newest.get(author.pk)
        return max(newest, author.updated_at) if newest else None

    def parts(self):
        return self.paginator.parts({author.pk: self.lastmod(author) for author in self.items()})


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self):
        recent = Article.objects.published().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        return recent.only("slug", "headline", "published_at", "updated_at")

    def lastmod(self, article):
        return last_modified(article)


# Other apps add their parts (breaking/apps.py: the live pages); a part may name in ``page_tags``
# what it shows beyond what every sitemap page shows (SITEMAP_TAGS, newsroom/urls.py).
SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}


def index(request):
    """``/sitemap.xml``: every part of every sitemap, each dated by its newest change."""
    entries = []
    for section, sitemap in SITEMAPS.items():
        shows(request, *getattr(sitemap, "page_tags", ()))
        location = request.build_absolute_uri(reverse("sitemap-section", kwargs={"section": section}))
        for number, lastmod in sitemap().parts():
            entries.append(SitemapIndexItem(location if number == 1 else f"{location}?p={number}", lastmod))
    response = TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def part(request, section):
    """``/sitemap-<section>.xml?p=N``: one part, written out directly rather than through a
    template, which would cost more for each of its thousands of URLs than the query does."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap for {section!r}")
    sitemap = SITEMAPS[section]()
    shows(request, *getattr(sitemap, "page_tags", ()))
    try:
        items = sitemap.paginator.page(request.GET.get("p", 1)).object_list
    except InvalidPage as error:
        raise Http404(str(error)) from None
    origin = f"{request.scheme}://{request.get_host()}"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for item in items:
        lastmod = sitemap.lastmod(item)
        lastmod = f"<lastmod>{day(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(origin + sitemap.location(item))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def day(value):
    """The W3C date of ``value``, a date or a time (its day in the newsroom's time zone)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()
