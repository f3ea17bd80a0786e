"""The article cards of list pages (home, section, author, archive), each rendered once for what
it shows (newsroom/fragments.py): headline, address, summary, section, byline names, credit line
and publication time."""

from newsroom.fragments import render_fragments

CARD_TEMPLATES = ("includes/article_card.html", "includes/byline_names.html")


def with_cards(articles):
    """Give each of ``articles`` (with section and bylines loaded, as ``public_articles()``
    does) its card's HTML as ``article.card``, in one cache round trip for the page."""
    articles = list(articles)
    cards = render_fragments(CARD_TEMPLATES, [({"article": article}, card_shows(article)) for article in articles])
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
    )
