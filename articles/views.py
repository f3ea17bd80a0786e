from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import JSONField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from authors.models import Author
from breaking.cards import live_story_cards, shows_live_stories, with_live_cards
from newsroom.cache import cached_for_content, shows
from newsroom.fragments import render_fragment
from newsroom.http import LastModifiedMixin
from newsroom.pagination import BoundedPaginator
from newsroom.prepared import PreparedList, prepared, set_prefetched
from newsroom.renditions import crops, responsive_image
from newsroom.slugs import slug_url

from . import listing
from .cards import FIRST_ROW, with_cards
from .filters import ArchiveFilter
from .listing import SECTION_FIELDS
from .models import Article, ArticleAuthor, Correction, SlugRedirect
from .structured_data import news_article

MORE_TOP_READS = 5
UPDATE_WORTH_SHOWING = timedelta(minutes=5)
# The columns pages read, and no others: who saved an article, its version and the importer's
# bookkeeping stay in the database, and an author's contact details with them.
ARTICLE_PAGE_FIELDS = (
    *("headline", "slug", "dek", "body", "section", "credit_line", "source_name", "source_url"),
    *("lead_image", "lead_image_width", "lead_image_height", "lead_image_alt", "lead_image_caption"),
    *("lead_image_credit", "status", "published_at", "expires_at", "updated_at"),
    *("previous_article", "next_article"),
)
BYLINE_FIELDS = (
    *("article", "role", "author__name", "author__slug", "author__job_title", "author__bio"),
    "author__updated_at",
)


def shows_articles(request, articles):
    """Name in the page cache what a list shows of ``articles``: each one's card and the
    authors in its byline (prefetched), and the sections' names."""
    tags = {"sections"}
    for article in articles:
        tags.add(f"card:{article.pk}")
        tags.update(f"byline:{byline.author_id}" for byline in article.bylines.all())
    shows(request, *tags)


def public_articles(at=None):
    """Articles public at ``at`` (now by default) with what a listing shows: section and
    bylines, in two queries."""
    return listing.cards(Article.objects.published(at)).prefetch_related(listed_bylines())


def listed_bylines():
    """What a listing shows of each article's bylines, for ``prefetch_related``."""
    return Prefetch("bylines", queryset=_listed_bylines_queryset())


def _listed_bylines_queryset():
    return ArticleAuthor.objects.select_related("author").only("article", "author__name")


def with_listed_bylines(articles):
    """``articles`` (rows or instances with the columns of ``listing.cards()``) as the rows a
    list shows (``listing.ListedArticle``), each with the bylines a listing shows, in one query
    whose SQL is built once per process (and number of articles)."""
    articles = [listing.ListedArticle.of(article) for article in articles]
    by_article = {article.pk: [] for article in articles}
    for article, author, name in _listed_bylines(articles=list(by_article)):
        by_article[article].append(listing.ListedByline(author, listing.BylineAuthor(author, name)))
    for article in articles:
        article.bylines = listing.Bylines(by_article[article.pk])
    return articles


@prepared
def _listed_bylines(articles: list[int]):
    # In the order of listed_bylines(): the model's ordering.
    return ArticleAuthor.objects.filter(article__in=articles).values_list("article", "author", "author__name")


def _neighbour(direction, at):
    """The article public at ``at`` just before or after this one in publication order (time,
    then id, so articles published at the same instant are not skipped): its id, slug and
    headline as one subquery (``{direction}_neighbour``), a dict or None. One subquery per
    direction, not one per column: each costs the ORM about a millisecond to build."""
    then, pk = OuterRef("published_at"), OuterRef("pk")
    # The bound outside the OR is what lets the index scan start at this article rather than at
    # the newest or oldest one. An older article is public now if it is by this one's time.
    if direction == "previous":
        candidates = Article.objects.published(at, published_by=then)
        candidates = candidates.filter(Q(published_at__lt=then) | Q(published_at=then, pk__lt=pk))
        candidates = candidates.order_by("-published_at", "-pk")
    else:
        candidates = Article.objects.published(at)
        later = Q(published_at__gt=then) | Q(published_at=then, pk__gt=pk)
        candidates = candidates.filter(later, published_at__gte=then)
        candidates = candidates.order_by("published_at", "pk")
    return {f"{direction}_neighbour": _first_link(candidates)}


def _linked(direction, at):
    """The imported previous or next story (``{direction}_article``) if it is public at ``at``:
    its id, slug and headline as one subquery (``{direction}_linked``), a dict or None. A
    subquery rather than a join of the whole row: PostgreSQL plans the page's query faster."""
    linked = Article.objects.published(at).filter(pk=OuterRef(f"{direction}_article"))
    return {f"{direction}_linked": _first_link(linked)}


def _first_link(candidates):
    link = candidates.values(link=JSONObject(pk="pk", slug="slug", headline="headline"))[:1]
    return Subquery(link, output_field=JSONField())


def with_page_data(articles, at):
    """``articles`` with everything an article page shows of them, previous and next stories
    public at ``at`` included, but their bylines and corrections (``article_page``)."""
    return (
        articles.select_related("section")
        .only(*ARTICLE_PAGE_FIELDS, *SECTION_FIELDS)
        .annotate(**_linked("previous", at), **_linked("next", at))
        .annotate(**_neighbour("previous", at), **_neighbour("next", at))
    )


def article_page(slug, at):
    """The article public at ``at`` with address ``slug`` and everything its page shows, in three
    queries whose SQL is built once per process; None if there is none."""
    for article in _article(slug=slug, at=at):
        set_prefetched(article, bylines=_bylines(article=article.pk), corrections=_corrections(article=article.pk))
        return article
    return None


@prepared
def _article(slug: str, at: datetime):
    return with_page_data(Article.objects.published(at), at).filter(slug=slug)[:1]


@prepared
def _bylines(article: int):
    return ArticleAuthor.objects.filter(article=article).select_related("author").only(*BYLINE_FIELDS)


@prepared
def _corrections(article: int):
    return Correction.objects.filter(article=article)


def article_page_context(article, request, *, preview=False):
    """The article page's context beyond the article; shared with the editors' preview, whose
    image addresses are signed: the article's images are not public until it is."""
    size = (article.lead_image_width, article.lead_image_height)
    image = responsive_image(article.lead_image, *size, signed=preview)
    edited_later = article.published_at and article.updated_at - article.published_at > UPDATE_WORTH_SHOWING
    # The lead image in the shapes search engines and social sites show, for a public article.
    card_images = crops(article.lead_image, *size) if image and article.published_at else {}
    return {
        "updated_at": article.updated_at if edited_later else None,
        "image": image,
        "card_images": card_images,
        "structured_data": news_article(article, request, card_images) if article.published_at else None,
        "previous_link": _navigation(article, "previous"),
        "next_link": _navigation(article, "next"),
    }


class ArticleDetailView(LastModifiedMixin, DetailView):
    context_object_name = "article"
    model = Article

    def get_object(self, queryset=None):
        article = article_page(self.kwargs["slug"], timezone.now())
        if article is None:
            raise Http404("No article here.")
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = SlugRedirect.objects.filter(old_slug=kwargs["slug"], article__in=Article.objects.published())
            moved = moved.select_related("article").first()
            if moved is None:
                raise
            return redirect(moved.article, permanent=True)

    def get_context_data(self, **kwargs):
        article = self.object
        authors = [byline.author_id for byline in article.bylines.all()]
        shows(self.request, f"article:{article.pk}", "sections", *(f"author:{pk}" for pk in authors))
        shows(self.request, *(f"byline:{pk}" for pk in authors))
        links = (shown_link(article, "previous"), shown_link(article, "next"))
        shows(self.request, *(f"card:{link['pk']}" for link in links if link))
        return super().get_context_data(**article_page_context(article, self.request), **kwargs)


def _navigation(article, direction):
    """The previous or next link the page shows, (url, headline), or None."""
    link = shown_link(article, direction)
    return (Article(slug=link["slug"]).get_absolute_url(), link["headline"]) if link else None


def with_public_links(article, at):
    """Give ``article`` (content an editor previews, not yet saved) the imported previous and
    next stories its links name, as its page would show them: those public at ``at``."""
    linked = {direction: getattr(article, f"{direction}_article_id") for direction in ("previous", "next")}
    public = Article.objects.published(at).filter(pk__in=[pk for pk in linked.values() if pk])
    by_pk = {link["pk"]: link for link in public.values("pk", "slug", "headline")}
    for direction, pk in linked.items():
        setattr(article, f"{direction}_linked", by_pk.get(pk))


def shown_link(article, direction):
    """The imported previous/next story when it is public, otherwise the neighbour in
    publication order: ``{"pk", "slug", "headline"}`` or None."""
    return getattr(article, f"{direction}_linked") or getattr(article, f"{direction}_neighbour")


class PreparedListMixin:
    """For list views whose ``get_queryset`` gives a ``PreparedList``: the page's articles get
    their bylines in one more query, then are named in the page cache and given their cards."""

    def listed(self, articles):
        articles = with_listed_bylines(articles)
        shows_articles(self.request, articles)
        with_cards(articles, eager=FIRST_ROW)
        return articles


class SectionDetailView(LastModifiedMixin, PreparedListMixin, ListView):
    """A section and its published articles, newest first, paginated."""

    template_name = "articles/section_detail.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.at = timezone.now()
        self.section = first_or_404(listing.public_section(slug=self.kwargs["slug"], at=self.at))
        return PreparedList(listing.in_section, section=self.section.pk, at=self.at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(section=self.section, **kwargs)
        # Its live stories in progress head the first page, shown as live.
        first_page = context["page_obj"].number == 1
        live_stories = _live_in_section(section=self.section.pk, at=self.at) if first_page else []
        shows(self.request, f"list:section:{self.section.pk}")
        context["articles"] = context["object_list"] = self.listed(context["object_list"])
        shows_live_stories(self.request, live_stories)
        with_live_cards(live_stories)
        context["live_stories"] = live_stories
        return context

    def shown_articles(self, context):
        return [*context["live_stories"], *context["articles"]]


@prepared
def _live_in_section(section: int, at: datetime):
    return live_story_cards(at).filter(section=section)


class ArchiveView(LastModifiedMixin, PreparedListMixin, FilterView):
    """Every published article, filtered by text, author, section and date range. Invalid
    filter input shows the form's errors and an empty list. Like every list, it offers the
    first ``MAX_PAGES`` pages (newsroom/pagination.py); the dates reach further back."""

    filterset_class = ArchiveFilter
    template_name = "articles/archive.html"
    paginate_by = 20
    paginator_class = BoundedPaginator
    strict = True

    def get_queryset(self):
        # Given to the filter set only for the filters no prepared list serves (get()): building
        # the public queryset costs more than the rest of the filter set, and most requests
        # are served by a prepared list.
        return Article.objects.none()

    def get(self, request, *args, **kwargs):
        self.at = timezone.now()
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = []
        elif (prepared_list := self.filterset.prepared_list(self.at)) is not None:
            self.object_list = prepared_list
        else:
            self.filterset.queryset = listing.cards(Article.objects.published(self.at))
            self.object_list = self.filterset.qs
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["active_filters"] = self.filterset.active()
        # Options written out by the template: Django's select widget renders each one through
        # its own template, which for a few hundred authors costs more than the rest of the page.
        authors = cached_for_content(
            "archive-authors",
            lambda: list(Author.objects.published().values_list("slug", "name")),
            tags={"list:authors", "list:latest"},
        )
        context["author_choices"] = [("", "Any author"), *authors]
        sections = cached_for_content(
            "archive-sections",
            lambda: [(section.slug, section.name) for section in listing.public_sections(at=timezone.now())],
            tags={"sections", "list:latest"},
        )
        context["section_choices"] = [("", "Any section"), *sections]
        shows(self.request, "list:latest", "list:authors")
        context["object_list"] = self.listed(context["object_list"])
        return context


def first_or_404(found):
    """The one object a prepared lookup found, or a 404."""
    if not found:
        raise Http404("Nothing public at this address.")
    return found[0]


def more_top_reads_block(article_pk):
    """The newest public articles but the one shown: (html, tags, valid until) for the block
    every article page shares."""
    articles = [StoryLink(*row) for row in _newest_but(article=int(article_pk or 0), at=timezone.now())]
    shown = [(article.slug, article.headline) for article in articles]
    html = render_fragment(("includes/more_top_reads.html",), {"articles": articles}, shown)
    return html, {"list:latest", *(f"card:{article.pk}" for article in articles)}, None


@prepared
def _newest_but(article: int, at: datetime):
    return Article.objects.published(at).exclude(pk=article).values_list("pk", "slug", "headline")[:MORE_TOP_READS]


@dataclass(frozen=True)
class StoryLink:
    """A link to an article, as a list of links shows it: read as a row, not a model instance."""

    pk: int
    slug: str
    headline: str

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)
