"""Uploaded images, served by the app at MEDIA_URL from the default storage: MEDIA_ROOT, or the
private bucket (newsroom/storage.py) that nobody else reads.

Only files with an image extension are served, each with the Content-Type of that extension
(stored names are ours: newsroom.images), a sandboxing Content Security Policy
and, from SecurityMiddleware, ``X-Content-Type-Options: nosniff``: a browser never runs or renders
a file from here as anything but an image.

An article's images (its lead image and the renditions and crops made of it) are served at their
address only while an article that shows them is public (``Article.objects.published()``, asked
at each request): a draft's image, or a new image in the draft of changes to a live article, is
not, however its address became known, and a scheduled article's is from its publication time
on, with no job to run. Editors' previews link to them through signed addresses that expire
(``signed_url``).

What may keep a copy: the answer for an image that is not public is ``no-store``, so nothing
holds on to a 404 past publication. A public image names its article for edge caches, which are
sent the purge when an edit makes the article stop being public, and may keep it for
EDGE_CACHE_SECONDS (``s-maxage``); browsers, which no purge reaches, for an hour. Neither is
allowed past the moment the image stops being public with no edit, when the last article showing
it expires."""

import os
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseNotFound
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .images import EXTENSIONS, content_type

# Where articles' images are stored (Article.lead_image's upload_to), and what is made of them
# (newsroom.renditions): "renditions/<the image's name without extension>-<digest>-<width>.webp"
# and "renditions/<…>-<digest>-<shape>-<width>.jpg".
ARTICLE_IMAGES = "articles/"
RENDITIONS = "renditions/"
RENDITION = re.compile(r"renditions/(?P<stem>.+)-[0-9a-f]{10}-(?:[0-9]+x[0-9]+-)?[0-9]+\.(?:webp|jpg)")
# How long a browser may keep a public image: no purge reaches it.
BROWSER_SECONDS = 3600
# How long a preview's signed image address works.
PREVIEW_SECONDS = 3600
PREVIEW_SALT = "newsroom.media.preview"
PREVIEW_PARAMETER = "preview"


@dataclass(frozen=True)
class StoredFile:
    file: Any  # open for reading, closed with the response
    size: int
    modified: float  # Unix time


def serve(request, path):
    if content_type(path) is None or any(part in ("", ".", "..") for part in path.split("/")):
        # Only the one spelling of a stored name: "x/../articles/…" is not an author's photo.
        raise Http404("Not an image.")
    articles = articles_showing(path)
    shown_by = None if articles is None else list(articles.published().values_list("pk", "expires_at"))
    public = shown_by is None or bool(shown_by)
    if not public and not _signed_for(path, request.GET.get(PREVIEW_PARAMETER, "")):
        # Not "public for a minute" as other 404s: the article may be published any second.
        response = HttpResponseNotFound("No such file.", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
    stored = stored_file(path)
    if stored is None:
        raise Http404("No such file.")
    response = FileResponse(stored.file, content_type=content_type(path))
    response["Content-Length"] = stored.size
    response["Last-Modified"] = http_date(stored.modified)
    response["Cache-Control"] = _public_cache_control(shown_by or ()) if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if shown_by:
        tags = " ".join(f"article:{pk}" for pk, _ in shown_by)
        response["Surrogate-Key"] = response["xkey"] = tags
        response["Cache-Tag"] = tags.replace(" ", ",")
    if request.method == "GET":
        # A revalidation (an edge's, a browser's) answered here closes the file, or the bucket's
        # connection, at once; ConditionalGetMiddleware would leave it to the garbage collector.
        conditional = get_conditional_response(request, last_modified=int(stored.modified), response=response)
        if conditional is not response:
            stored.file.close()  # not response.close(): that would signal the request's end
            return conditional
    return response


def stored_file(name):
    """The stored file ``name`` opened for reading, from local files or the bucket; None if there
    is none."""
    if not isinstance(default_storage, FileSystemStorage):
        return default_storage.stored_file(name)
    try:
        file = open(default_storage.path(name), "rb")  # noqa: SIM115 (closed with the response)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    status = os.fstat(file.fileno())
    return StoredFile(file, status.st_size, status.st_mtime)


def _public_cache_control(shown_by):
    """For an image public now, shown by the public articles ``shown_by`` ((pk, expiry) pairs;
    none for an image that is not an article's)."""
    seconds = {"max-age": BROWSER_SECONDS, "s-maxage": settings.EDGE_CACHE_SECONDS}
    expiries = [expires_at for _, expires_at in shown_by]
    if expiries and None not in expiries:
        left = max(0, int(max(expiries).timestamp() - time.time()))
        seconds = {name: min(value, left) for name, value in seconds.items()}
    return f"public, max-age={seconds['max-age']}, s-maxage={seconds['s-maxage']}"


def articles_showing(name):
    """The articles whose lead image is ``name`` or the image ``name`` was made of, as a
    queryset; None for a file that is not an article's image (an author's photo)."""
    from articles.models import Article

    if name.startswith(RENDITIONS):
        rendition = RENDITION.fullmatch(name)
        if rendition is None:
            return Article.objects.none()  # made by nothing of ours: not served
        stem = rendition["stem"]
        if not stem.startswith(ARTICLE_IMAGES):
            return None
        # A rendition's name keeps its image's but for the extension, which is one of a few.
        return Article.objects.filter(lead_image__in=[f"{stem}{extension}" for extension in set(EXTENSIONS.values())])
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
