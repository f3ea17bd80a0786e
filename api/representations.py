"""What the API says of each public thing, as plain data: one function per model, shared by the
API's views and the webhooks' payloads. The querysets here are where every API read starts, each
from the model's one definition of public."""

import html
import re

from django.conf import settings
from django.db.models import Prefetch

from articles.models import Article, ArticleAuthor, Correction, Section
from authors.models import Author
from breaking.models import TickerItem

BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
BLANK_LINES = re.compile(r"\n{3,}")


def public_articles():
    """Published articles with everything the API shows of them, in three queries for a page."""
    return (
        Article.objects.published()
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
            Prefetch("corrections", queryset=Correction.objects.order_by("published_at", "pk")),
        )
    )


def public_authors():
    return Author.objects.published()


def public_sections():
    return Section.objects.published()


def public_corrections():
    return Correction.objects.published().select_related("article")


def live_ticker_items():
    return TickerItem.objects.live().with_live_state().select_related("article", "live_story")


def absolute(path, request=None):
    """``path`` as a full URL: on the request's host, or on SITE_URL (webhooks have no request).
    An address that is already absolute is kept as it is."""
    if request is not None:
        return request.build_absolute_uri(path)
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def plain_text(body):
    """An article body (sanitised HTML) as plain text: a blank line between blocks."""
    text = TAG.sub("", BLOCK_END.sub(lambda match: match[0] + "\n\n", body))
    return BLANK_LINES.sub("\n\n", html.unescape(text)).strip()


def section_data(section, request=None):
    return {
        "id": section.pk,
        "name": section.name,
        "slug": section.slug,
        "description": section.description,
        "url": absolute(section.get_absolute_url(), request),
    }


def author_data(author, request=None):
    return {
        "id": author.pk,
        "name": author.name,
        "slug": author.slug,
        "job_title": author.job_title,
        "bio": author.bio,
        "photo": absolute(author.photo.url, request) if author.photo else None,
        "website": author.website,
        "social_url": author.social_url,
        "url": absolute(author.get_absolute_url(), request),
    }


def correction_data(correction):
    return {
        "id": correction.pk,
        "article_id": correction.article_id,
        "kind": correction.kind,
        "text": correction.text,
        "published_at": correction.published_at,
    }


def image_data(article, request=None):
    if not article.lead_image:
        return None
    return {
        "url": absolute(article.lead_image.url, request),
        "width": article.lead_image_width,
        "height": article.lead_image_height,
        "alt": article.lead_image_alt,
        "caption": article.lead_image_caption,
        "credit": article.lead_image_credit,
    }


def article_data(article, request=None, *, body_format="html"):
    """An article from ``public_articles()``; its body as sanitised HTML, or plain text."""
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": absolute(article.get_absolute_url(), request),
        "headline": article.headline,
        "summary": article.dek,
        "body": plain_text(article.body) if body_format == "text" else article.body,
        "body_format": body_format,
        "section": section_data(article.section, request) if article.section else None,
        "bylines": [
            {
                "role": byline.role,
                "author": {
                    "id": byline.author_id,
                    "name": byline.author.name,
                    "slug": byline.author.slug,
                    "url": absolute(byline.author.get_absolute_url(), request),
                },
            }
            for byline in article.bylines.all()
        ],
        "credit_line": article.credit_line,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "image": image_data(article, request),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "expires_at": article.expires_at,
        "corrections": [correction_data(correction) for correction in article.corrections.all()],
    }


def ticker_item_data(item, request=None):
    """An item from ``live_ticker_items()``: linking to a live story in progress, it says it is
    live and gives the time the bar shows beside its label (the latest update, or the start)."""
    link = item.get_link()
    live = bool(item.shows_live)
    return {
        "id": item.pk,
        "text": item.text,
        "url": absolute(link, request) if link else None,
        "article_id": item.article_id,
        "live_story_id": item.live_story_id,
        "live": live,
        "latest_update_at": (item.live_latest_update_at or item.live_story.starts_at) if live else None,
        "priority": item.priority,
        "starts_at": item.starts_at,
        "expires_at": item.expires_at,
    }
