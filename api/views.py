"""The read API: public articles, authors, sections, corrections and the ticker, as JSON under
/api/v1/, with an OpenAPI schema (/api/v1/schema/) and browsable docs (/api/v1/docs/).

Every view starts from a public queryset (api/representations.py) and names what it shows in
the page cache (newsroom/cache.py, tags in articles/invalidation.py), which api/urls.py puts in
front of it with the rate limit (api/keys.py). Nothing here writes.
"""

import json
from datetime import date, datetime, time
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger, _csrf_needed

from articles.models import ArticleAuthor, SlugRedirect
from newsroom.cache import shows

from . import ninjs, schemas
from .pagination import DEFAULT_LIMIT, Ordering, paginate
from .representations import (
    article_data,
    author_data,
    correction_data,
    live_ticker_items,
    public_articles,
    public_authors,
    public_corrections,
    public_sections,
    section_data,
    ticker_item_data,
)

NINJS = "application/ninjs+json"
NEWEST_FIRST = Ordering(("published_at", "datetime"), ("pk", "int"), descending=True)
OLDEST_CHANGE_FIRST = Ordering(("updated_at", "datetime"), ("pk", "int"), descending=False)
BY_NAME = Ordering(("name", "str"), ("pk", "int"), descending=False)


class LocalSwagger(Swagger):
    """ninja's Swagger page with its assets from our own static files: ninja serves them so only
    when it is an installed app, which it is not here (newsroom/settings/base.py, NINJA_DIR), and
    otherwise from a CDN, which the Content Security Policy refuses."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)


api = NinjaAPI(
    title=f"{settings.SITE_NAME} content API",
    version="1",
    description=(
        "Public articles, authors, sections, corrections and the breaking-news ticker. No key is "
        "needed; requests without one are limited per client address, and an API key (sent as "
        "`Authorization: Bearer <key>`) lifts the limit. Lists are paginated by cursor: follow "
        "`next`. Responses carry an ETag; send it back in `If-None-Match` for a 304."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    docs=LocalSwagger(),
)


# A date (the whole day) or a time: tried as a date first, as "2026-11-29" is also a time.
DayOrTime = Annotated[date | datetime, Field(union_mode="left_to_right")]


class ArticleFilters(Schema):
    section: str | None = None
    author: str | None = None
    published_after: DayOrTime | None = None
    published_before: DayOrTime | None = None
    updated_since: datetime | None = None
    body: Literal["html", "text"] = "html"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class ListParams(Schema):
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class BodyParams(Schema):
    body: Literal["html", "text"] = "html"


class NinjsParams(Schema):
    version: Literal["3.1", "2.2"] = "3.1"


# The query parameters views read: the page cache keys on these alone (api/urls.py).
PARAMS = ("section", "author", "published_after", "published_before", "updated_since", "body", "cursor", "limit")
PARAMS += ("version",)


def _instant(value, *, end_of_day=False):
    """A date means the whole day in the newsroom's time zone."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.max if end_of_day else time.min))


def _by_id_or_slug(value, field="slug"):
    return {"pk": int(value)} if value.isdigit() else {field: value}


def shows_articles(request, articles):
    """What a list of whole articles shows: each article, its authors' names, the sections."""
    tags = {"list:latest", "sections"}
    for article in articles:
        tags.add(f"article:{article.pk}")
        tags.update(f"byline:{byline.author_id}" for byline in article.bylines.all())
    shows(request, *tags)


@api.get("/articles/", response=schemas.ArticlePage, url_name="articles", tags=["articles"])
def list_articles(request, filters: Query[ArticleFilters]):
    """Public articles, newest first; with `updated_since`, the oldest change first, for syncing
    (keep the last `updated_at` you saw and ask again from it). `section` and `author` take an id
    or a slug; the dates take a date (the whole day) or a time."""
    articles = public_articles()
    if filters.section:
        articles = articles.filter(**{f"section__{k}": v for k, v in _by_id_or_slug(filters.section).items()})
    if filters.author:
        bylines = ArticleAuthor.objects.filter(article=OuterRef("pk"))
        lookup = _by_id_or_slug(filters.author)
        bylines = bylines.filter(
            **({"author_id": lookup["pk"]} if "pk" in lookup else {"author__slug": lookup["slug"]})
        )
        articles = articles.filter(Exists(bylines))
    if filters.published_after:
        articles = articles.filter(published_at__gte=_instant(filters.published_after))
    if filters.published_before:
        articles = articles.filter(published_at__lte=_instant(filters.published_before, end_of_day=True))
    ordering = NEWEST_FIRST
    if filters.updated_since:
        articles = articles.filter(updated_at__gte=_instant(filters.updated_since))
        ordering = OLDEST_CHANGE_FIRST
    rows, next_url = paginate(request, articles, ordering, params=PARAMS, cursor=filters.cursor, limit=filters.limit)
    shows_articles(request, rows)
    return {"results": [article_data(row, request, body_format=filters.body) for row in rows], "next": next_url}


def _article(request, **lookup):
    article = public_articles().filter(**lookup).first()
    if article is None:
        raise Http404("No such public article.")
    shows_articles(request, [article])
    return article


@api.get(
    "/articles/{int:article_id}/",
    response=schemas.Article,
    url_name="article",
    tags=["articles"],
    openapi_extra={"responses": {404: {"description": "No such public article."}}},
)
def get_article(request, article_id: int, params: Query[BodyParams]):
    """One public article. With `Accept: application/ninjs+json` it comes as IPTC ninjs, as
    from `/api/v1/articles/{id}.ninjs`."""
    return article_data(_article(request, pk=article_id), request, body_format=params.body)


@api.get("/articles/{int:article_id}.ninjs", url_name="article-ninjs", tags=["articles"])
def get_article_ninjs(request, article_id: int, params: Query[NinjsParams]):
    """One public article as IPTC ninjs 3.1 (or 2.2 with `?version=2.2`), media type
    `application/ninjs+json`."""
    article = _article(request, pk=article_id)
    return HttpResponse(ninjs.dumps(article, request, version=params.version), content_type=NINJS)


@api.get("/articles/by-slug/{slug:slug}/", response=schemas.Article, url_name="article-by-slug", tags=["articles"])
def get_article_by_slug(request, slug: str, params: Query[BodyParams]):
    """One public article by its address on the site; an old address redirects to its id."""
    article = public_articles().filter(slug=slug).first()
    if article is None:
        moved = SlugRedirect.objects.filter(old_slug=slug, article__in=public_articles().values("pk")).first()
        if moved is None:
            raise Http404("No such public article.")
        return redirect(reverse("api:article", args=[moved.article_id]), permanent=True)
    shows_articles(request, [article])
    return article_data(article, request, body_format=params.body)


@api.get("/authors/", response=schemas.AuthorPage, url_name="authors", tags=["authors"])
def list_authors(request, params: Query[ListParams]):
    """Authors with at least one public article, by name."""
    rows, next_url = paginate(
        request, public_authors(), BY_NAME, params=PARAMS, cursor=params.cursor, limit=params.limit
    )
    shows(request, "list:authors", *(f"author:{author.pk}" for author in rows))
    return {"results": [author_data(author, request) for author in rows], "next": next_url}


@api.get("/authors/{int:author_id}/", response=schemas.Author, url_name="author", tags=["authors"])
def get_author(request, author_id: int):
    author = get_object_or_404(public_authors(), pk=author_id)
    shows(request, "list:authors", f"author:{author.pk}")
    return author_data(author, request)


@api.get("/sections/", response=schemas.SectionList, url_name="sections", tags=["sections"])
def list_sections(request):
    """Every section with a public article, in the site's order."""
    shows(request, "sections", "list:latest")
    return {"results": [section_data(section, request) for section in public_sections()]}


@api.get("/sections/{int:section_id}/", response=schemas.Section, url_name="section", tags=["sections"])
def get_section(request, section_id: int):
    shows(request, "sections", "list:latest")
    return section_data(get_object_or_404(public_sections(), pk=section_id), request)


@api.get("/corrections/", response=schemas.CorrectionPage, url_name="corrections", tags=["corrections"])
def list_corrections(request, params: Query[ListParams]):
    """Corrections, clarifications and updates to public articles, newest first."""
    rows, next_url = paginate(
        request, public_corrections(), NEWEST_FIRST, params=PARAMS, cursor=params.cursor, limit=params.limit
    )
    shows(request, "list:corrections", "list:latest", *(f"card:{row.article_id}" for row in rows))
    return {"results": [correction_data(row) for row in rows], "next": next_url}


@api.get("/ticker/", response=schemas.TickerItemList, url_name="ticker", tags=["ticker"])
def list_ticker_items(request):
    """The breaking-news items live now, most important first. An item linking to a live story
    in progress says so (``live``), with its latest update's time."""
    items = list(live_ticker_items())
    shows(request, "ticker", *(f"live:{item.live_story_id}" for item in items if item.shows_live))
    return {"results": [ticker_item_data(item, request) for item in items]}


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(HttpError)
def bad_request(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
