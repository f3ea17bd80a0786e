"""schema.org structured data for article pages (JSON-LD ``NewsArticle``)."""

from django.conf import settings

from .feeds import excerpt


def news_article(article, request, image=None):
    """A ``NewsArticle`` with every author in byline order, the publisher, the lead image and
    the corrections, for Google and other readers of structured data."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = [
        {
            "@type": "Person",
            "name": byline.author.name,
            "url": request.build_absolute_uri(byline.author.get_absolute_url()),
        }
        for byline in article.bylines.all()
    ]
    if not authors and article.credit_line:
        authors = [{"@type": "Organization", "name": article.credit_line}]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.dek or excerpt(article.body),
        "datePublished": article.published_at.isoformat(),
        "dateModified": max(article.updated_at, article.published_at).isoformat(),
        "author": authors,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")},
        "isAccessibleForFree": True,
    }
    if article.section:
        data["articleSection"] = article.section.name
    if image:
        data["image"] = [request.build_absolute_uri(image.src)]
    if article.source_name:
        data["isBasedOn"] = article.source_url or article.source_name
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{correction.get_kind_display()}: {correction.text}",
            "datePublished": correction.published_at.isoformat(),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data
