"""The queries of the public list pages (section, author, archive), prepared: their SQL is built
once per process (newsroom/prepared.py) and read a page at a time, so a list page costs the ORM
no more than its article page does. Each starts from the one definition of public
(``Article.objects.published()``, ``Section.objects.published()``, ``Author.objects.published()``)
at a time the caller gives, the same for every query of a page.

The card columns and ordering are those of ``articles.views.public_articles()``; the bylines
come after, for the page's articles only (``articles.views.with_listed_bylines``). A list reads
its articles as rows (``ListedArticle``), not model instances: a list page shows dozens, and
making each an instance with its section took longer than the queries."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django.db.models.fields.files import ImageFieldFile

from authors.models import Author
from newsroom.prepared import prepared
from newsroom.slugs import slug_url

from .models import Article, Section

CARD_FIELDS = (
    *("headline", "slug", "dek", "section", "credit_line", "published_at", "updated_at"),
    *("lead_image", "lead_image_width", "lead_image_height", "lead_image_alt"),
)
SECTION_FIELDS = ("section__name", "section__slug", "section__order")


def cards(articles):
    """``articles`` with the columns a card shows, and their sections."""
    return articles.select_related("section").only(*CARD_FIELDS, *SECTION_FIELDS)


def card_rows(articles):
    """``articles`` as the rows ``ListedArticle.from_row`` takes."""
    return articles.values_list(*ListedArticle.COLUMNS)


@dataclass(frozen=True, slots=True)
class ListedSection:
    pk: int
    slug: str
    name: str
    order: int

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


@dataclass(frozen=True, slots=True)
class BylineAuthor:
    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class ListedByline:
    """A byline as a card shows it: the author's name."""

    author_id: int
    author: BylineAuthor


class Bylines(tuple):
    """A listed article's bylines, read as an instance's are (``article.bylines.all()``)."""

    def all(self):
        return self


NO_BYLINES = Bylines()


@dataclass(eq=False, slots=True)
class ListedArticle:
    """What a list shows of an article: its card's columns and section, then its bylines
    (``articles.views.with_listed_bylines``) and its card's HTML (``articles.cards``). Read as
    the model instance is for all of that: ``article.section.name``, ``article.bylines.all()``,
    ``article.lead_image.url``, ``article.get_absolute_url()``."""

    # The columns of cards(), in that order, as values_list() reads them (from_row).
    COLUMNS: ClassVar = ("pk", *CARD_FIELDS, *SECTION_FIELDS)

    pk: int
    headline: str
    slug: str
    dek: str
    section_id: int | None
    credit_line: str
    published_at: datetime | None
    updated_at: datetime
    lead_image_name: str
    lead_image_width: int | None
    lead_image_height: int | None
    lead_image_alt: str
    section: ListedSection | None
    bylines: Bylines = NO_BYLINES
    card: str = ""

    @classmethod
    def from_row(cls, row):
        *columns, section_name, section_slug, section_order = row  # the fields up to section, in order
        article = cls(*columns, section=None)
        if article.section_id:
            article.section = ListedSection(article.section_id, section_slug, section_name, section_order)
        return article

    @classmethod
    def of(cls, article):
        """``article`` as a list shows it, from an instance with the columns of ``cards()``."""
        if isinstance(article, cls):
            return article
        section = article.section
        return cls(
            *(article.pk, article.headline, article.slug, article.dek, article.section_id, article.credit_line),
            *(article.published_at, article.updated_at, article.lead_image.name or ""),
            *(article.lead_image_width, article.lead_image_height, article.lead_image_alt),
            section and ListedSection(section.pk, section.slug, section.name, section.order),
        )

    @property
    def lead_image(self):
        return ImageFieldFile(None, LEAD_IMAGE, self.lead_image_name or None)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def __eq__(self, other):
        # The same article, as for model instances.
        return isinstance(other, ListedArticle) and other.pk == self.pk

    def __hash__(self):
        return hash(self.pk)


LEAD_IMAGE = Article._meta.get_field("lead_image")


@prepared(make=ListedArticle.from_row)
def latest(at: datetime):
    return card_rows(Article.objects.published(at))


@prepared(make=ListedArticle.from_row)
def in_section(section: int, at: datetime):
    return card_rows(Article.objects.published(at).filter(section=section))


# Not prepared on PostgreSQL's side: at 100,000 articles its generic plan made the author's page
# and the archive by author a third slower than plans for the author asked for (README, "Scale").
@prepared(on_server=False, make=ListedArticle.from_row)
def by_author(author: int, at: datetime):
    return card_rows(Article.objects.published(at).filter(bylines__author=author))


@prepared
def public_section(slug: str, at: datetime):
    return Section.objects.published(at).filter(slug=slug)


@prepared
def public_author(slug: str, at: datetime):
    return Author.objects.published(at).filter(slug=slug)


@prepared
def public_sections(at: datetime):
    return Section.objects.published(at).only("slug", "name")
