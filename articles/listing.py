"""The queries of the public list pages (section, author, archive), prepared: their SQL is built
once per process (newsroom/prepared.py) and read a page at a time, so a list page costs the ORM
no more than its article page does. Each starts from the one definition of public
(``Article.objects.published()``, ``Section.objects.published()``, ``Author.objects.published()``)
at a time the caller gives, the same for every query of a page.

The card columns and ordering are those of ``articles.views.public_articles()``; the bylines
come after, for the page's articles only (``articles.views.with_listed_bylines``)."""

from datetime import datetime

from authors.models import Author
from newsroom.prepared import prepared

from .models import Article, Section

CARD_FIELDS = (
    *("headline", "slug", "dek", "section", "credit_line", "published_at", "updated_at"),
    *("lead_image", "lead_image_width", "lead_image_height", "lead_image_alt"),
)
SECTION_FIELDS = ("section__name", "section__slug", "section__order")


def cards(articles):
    """``articles`` with the columns a card shows, and their sections."""
    return articles.select_related("section").only(*CARD_FIELDS, *SECTION_FIELDS)


@prepared
def latest(at: datetime):
    return cards(Article.objects.published(at))


@prepared
def in_section(section: int, at: datetime):
    return cards(Article.objects.published(at).filter(section=section))


# Not prepared on PostgreSQL's side: at 100,000 articles its generic plan made the author's page
# and the archive by author a third slower than plans for the author asked for (README, "Scale").
@prepared(on_server=False)
def by_author(author: int, at: datetime):
    return cards(Article.objects.published(at).filter(bylines__author=author))


@prepared
def public_section(slug: str, at: datetime):
    return Section.objects.published(at).filter(slug=slug)


@prepared
def public_author(slug: str, at: datetime):
    return Author.objects.published(at).filter(slug=slug)


@prepared
def public_sections(at: datetime):
    return Section.objects.published(at).only("slug", "name")
