"""The article cards of list pages (home, section, author, archive), each rendered once for what
it shows and kept in the cache under a key made of exactly that: headline, address, summary,
section, byline names, credit line and publication time, in the time zone shown, with the card
templates' own text. A change to any of them is a new key, so an edit shows at once and nothing
is purged; a card nobody asks for again falls out of the cache."""

import hashlib
from functools import cache as once

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

CARD_TEMPLATE = "includes/article_card.html"
CARD_TEMPLATES = (CARD_TEMPLATE, "includes/byline_names.html")
CARD_SECONDS = 86_400


def with_cards(articles):
    """Give each of ``articles`` (with section and bylines loaded, as ``public_articles()``
    does) its card's HTML as ``article.card``, in one cache round trip for the page."""
    articles = list(articles)
    keys = [card_key(article) for article in articles]
    found = cache.get_many(keys)
    rendered = {}
    for key, article in zip(keys, articles, strict=True):
        html = found.get(key) or rendered.get(key)
        if html is None:
            html = rendered[key] = render_to_string(CARD_TEMPLATE, {"article": article})
        article.card = mark_safe(html)
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)


def card_key(article):
    section = article.section
    shown = (
        article.pk,
        article.slug,
        article.headline,
        article.dek,
        (section.slug, section.name) if section else None,
        [byline.author.name for byline in article.bylines.all()],
        article.credit_line,
        article.published_at.isoformat() if article.published_at else None,
        timezone.get_current_timezone_name(),
        _templates_digest(),
    )
    return f"card:{hashlib.sha256(repr(shown).encode()).hexdigest()}"


@once
def _templates_digest():
    """The card templates' text: a deploy that changes them does not serve the old cards."""
    sources = (get_template(name).template.source for name in CARD_TEMPLATES)
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()
