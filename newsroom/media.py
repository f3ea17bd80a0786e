"""Uploaded images from MEDIA_ROOT, for a site with no proxy or bucket serving them (SERVE_MEDIA).

Only files with an image extension are served, each with the Content-Type of that extension
(stored names are ours: newsroom.images), a sandboxing Content Security Policy
and, from SecurityMiddleware, ``X-Content-Type-Options: nosniff``: a browser never runs or renders
a file from here as anything but an image.

An article's images (its lead image and the renditions made of it) are served at their address
only while an article that shows them is public (``Article.objects.published()``): a draft's
image, or a new image in the draft of changes to a live article, is not, however its address
became known. Editors' previews link to them through signed addresses that expire
(``signed_url``). A public image names its article for edge caches, which are sent the purge
when the article stops being public."""

import re
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponseNotFound
from django.utils._os import safe_join
from django.utils.http import http_date

from .images import EXTENSIONS, content_type

# Stored names are random and never reused, so a copy may be kept for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Where articles' images are stored (Article.lead_image's upload_to), and their renditions'
# names (newsroom.renditions): "renditions/<the image's name without extension>-<digest>-<width>.webp".
ARTICLE_IMAGES = "articles/"
RENDITION = re.compile(r"renditions/(?P<stem>articles/.+)-(?P<digest>[0-9a-f]{10})-[0-9]+\.webp")
# How long a preview's signed image address works.
PREVIEW_SECONDS = 3600
PREVIEW_SALT = "newsroom.media.preview"
PREVIEW_PARAMETER = "preview"


def serve(request, path):
    if content_type(path) is None:
        raise Http404("Not an image.")
    try:
        file = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404("Outside the media folder.") from None
    articles = articles_showing(path)
    public = articles is None or articles.published().exists()
    if not public and not _signed_for(path, request.GET.get(PREVIEW_PARAMETER, "")):
        # Not "public for a minute" as other 404s: the article may be published any second.
        response = HttpResponseNotFound("No such file.", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
    if not file.is_file():
        raise Http404("No such file.")
    response = FileResponse(file.open("rb"), content_type=content_type(path))
    response["Last-Modified"] = http_date(file.stat().st_mtime)
    response["Cache-Control"] = CACHE_CONTROL if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if articles is not None and public:
        tags = " ".join(f"article:{pk}" for pk in articles.published().values_list("pk", flat=True))
        response["Surrogate-Key"] = response["xkey"] = tags
        response["Cache-Tag"] = tags.replace(" ", ",")
    return response


def articles_showing(name):
    """The articles whose lead image is ``name`` or the image ``name`` is a rendition of, as a
    queryset; None for a file that is not an article's image (an author's photo)."""
    from articles.models import Article

    if rendition := RENDITION.fullmatch(name):
        # A rendition's name keeps its image's but for the extension, which is one of a few.
        stem = rendition["stem"]
        names = [f"{stem}{extension}" for extension in set(EXTENSIONS.values())]
        return Article.objects.filter(lead_image__in=names)
    if name.startswith(ARTICLE_IMAGES):
        return Article.objects.filter(lead_image=name)
    return None


def signed_url(url, name):
    """``url``, the address of the stored file ``name``, with a signature that lets it be served
    for ``PREVIEW_SECONDS`` whatever its article's state: for editors' previews."""
    token = signing.TimestampSigner(salt=PREVIEW_SALT).sign(name).removeprefix(f"{name}:")
    return f"{url}{'&' if '?' in url else '?'}{PREVIEW_PARAMETER}={token}"


def _signed_for(name, token):
    try:
        signing.TimestampSigner(salt=PREVIEW_SALT).unsign(f"{name}:{token}", max_age=PREVIEW_SECONDS)
    except signing.BadSignature:
        return False
    return True
