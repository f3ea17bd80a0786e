"""schema.org structured data for article pages (JSON-LD ``NewsArticle``), as Google's Article
guidelines ask: every author with their page, the publisher with its logo, images in 16:9, 4:3
and 1:1 (the site's card when the article has no image of its own), and the corrections."""

from newsroom.seo import default_images, in_order, publisher

from .credits import credits
from .feeds import excerpt, last_changed


def news_article(article, request, images):
    """A ``NewsArticle`` of ``article`` (bylines, authors and corrections prefetched), with
    ``images``, ``{shape: Crop}`` of its lead image (empty for none)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = []
    for credit in credits(article):
        author = {"@type": "Person" if credit.is_person else "Organization", "name": credit.name}
        if credit.url:
            # MEDIA_URL and an organisation's site may be absolute: build_absolute_uri keeps them.
            author["url"] = request.build_absolute_uri(credit.url)
        authors.append(author)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.dek or excerpt(article.body),
        "image": [request.build_absolute_uri(image.url) for image in in_order(images or default_images())],
        "datePublished": article.published_at.isoformat(),
        "dateModified": last_changed(article).isoformat(),
        "author": authors,
        "publisher": publisher(request),
        "isAccessibleForFree": True,
    }
    if article.section:
        data["articleSection"] = article.section.name
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
