"""Articles as IPTC ninjs (News in JSON), 3.1 and 2.2: the news industry's JSON for a story.

What goes where: the headline in ``headlines`` (role main), the summary in ``descriptions`` (role
summary), the body as HTML and as plain text in ``bodies`` (roles main and plain), corrections as
more ``bodies`` with their kind as the role (correction, clarification, update), the byline in
``by`` and its authors in ``people`` (rel: their role), the credit line in ``by`` when there is no
author, the source in ``infoSources``, the section in ``subjects`` (rel section) and the lead image
as an association of type picture. 2.2 has the same properties with lower-case names.
"""

import json

from django.conf import settings
from django.urls import reverse

from .representations import absolute, plain_text

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
IMAGE_TYPES[".gif"] = "image/gif"


def _instant(moment):
    return moment.isoformat().replace("+00:00", "Z")


def _byline(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _image(article, request):
    url = absolute(article.lead_image.url, request)
    extension = "." + article.lead_image.name.rsplit(".", 1)[-1].lower()
    rendition = {"name": "original", "href": url, "contentType": IMAGE_TYPES.get(extension, "image/jpeg")}
    if article.lead_image_width:
        rendition |= {"width": article.lead_image_width, "height": article.lead_image_height}
    image = {
        "name": "lead-image",
        "uri": url,
        "type": "picture",
        "renditions": [rendition],
        "descriptions": [{"role": "alt", "value": article.lead_image_alt}],
    }
    if article.lead_image_caption:
        image["descriptions"].append({"role": "caption", "value": article.lead_image_caption})
    if article.lead_image_credit:
        image["by"] = article.lead_image_credit
    return image


def ninjs_31(article, request=None):
    """An article from ``public_articles()`` (bylines and corrections prefetched) as ninjs 3.1."""
    bylines = list(article.bylines.all())
    item = {
        "uri": absolute(reverse("api:article", args=[article.pk]), request),
        "type": "text",
        "representationType": "full",
        "profile": "text-photo" if article.lead_image else "text-only",
        "version": str(article.version),
        "firstCreated": _instant(article.created_at),
        "versionCreated": _instant(article.updated_at),
        "contentCreated": _instant(article.published_at),
        "pubStatus": "usable",
        "language": settings.LANGUAGE_CODE,
        "headlines": [{"role": "main", "value": article.headline}],
        "bodies": [
            {"role": "main", "contentType": "text/html", "value": article.body},
            {"role": "plain", "contentType": "text/plain", "value": plain_text(article.body)},
            *(
                {"role": correction.kind, "contentType": "text/plain", "value": correction.text}
                for correction in article.corrections.all()
            ),
        ],
        "altIds": [
            {"role": "slug", "value": article.slug},
            {"role": "url", "value": absolute(article.get_absolute_url(), request)},
        ],
    }
    if article.dek:
        item["descriptions"] = [{"role": "summary", "value": article.dek}]
    names = [byline.author.name for byline in bylines]
    if names or article.credit_line:
        item["by"] = _byline(names) if names else article.credit_line
    if bylines:
        item["people"] = [
            {
                "name": byline.author.name,
                "rel": byline.role,
                "uri": absolute(byline.author.get_absolute_url(), request),
            }
            for byline in bylines
        ]
    sources = []
    if article.credit_line:
        sources.append({"name": article.credit_line, "role": "credit"})
    if article.source_name or article.source_url:
        source = {"role": "originating"}
        if article.source_name:
            source["name"] = article.source_name
        if article.source_url:
            source["uri"] = article.source_url
        sources.append(source)
    if sources:
        item["infoSources"] = sources
    if article.section:
        item["subjects"] = [
            {
                "name": article.section.name,
                "rel": "section",
                "uri": absolute(article.section.get_absolute_url(), request),
            }
        ]
    if article.lead_image:
        item["associations"] = [_image(article, request)]
    if article.expires_at:
        item["expires"] = _instant(article.expires_at)
    return item


def lower_keys(value):
    """ninjs 3 names in 2.2's spelling: the same properties, in lower case."""
    if isinstance(value, dict):
        return {key.lower(): lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value


def ninjs_22(article, request=None):
    return lower_keys(ninjs_31(article, request))


def dumps(article, request=None, *, version="3.1"):
    item = ninjs_31(article, request) if version == "3.1" else ninjs_22(article, request)
    return json.dumps(item, ensure_ascii=False, indent=2)
