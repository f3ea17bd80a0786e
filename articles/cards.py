"""The article cards of list pages (home, section, author, archive), each rendered once for what
it shows (newsroom/fragments.py): headline, address, summary, section, byline names, credit line,
publication time and the lead image's renditions."""

from newsroom.fragments import render_fragments
from newsroom.renditions import responsive_image

CARD_TEMPLATES = ("includes/article_card.html", "includes/byline_names.html")
# The cards at the top of a list page, whose images load at once: the first row on a desktop,
# the first card and the top of the second on a phone.
FIRST_ROW = 2


def with_cards(articles, *, eager=0):
    """Give each of ``articles`` (with section and bylines loaded, as ``public_articles()``
    does) its card's HTML as ``article.card``, in one cache round trip for the page. The images
    of the first ``eager`` cards load at once; the others, further down the page, when the
    reader scrolls near them."""
    articles = list(articles)
    parts = []
    for number, article in enumerate(articles):
        image = responsive_image(article.lead_image, article.lead_image_width, article.lead_image_height)
        context = {"article": article, "image": image, "lazy": number >= eager}
        parts.append((context, (*card_shows(article), image, image and context["lazy"])))
    cards = render_fragments(CARD_TEMPLATES, parts)
    for article, card in zip(articles, cards, strict=True):
        article.card = card


def card_shows(article):
    section = article.section
    return (
        article.pk,
        article.slug,
        article.headline,
        article.dek,
        (section.slug, section.name) if section else None,
        [byline.author.name for byline in article.bylines.all()],
        article.credit_line,
        article.published_at,
        article.lead_image_alt,
    )
