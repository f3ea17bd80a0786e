"""Uploaded images, served by the app at MEDIA_URL from the default storage: MEDIA_ROOT, or the
private bucket (newsroom/storage.py) that nobody else reads.

Only files with an image extension are served, each with the Content-Type of that extension
(stored names are ours: newsroom.images), a sandboxing Content Security Policy
and, from SecurityMiddleware, ``X-Content-Type-Options: nosniff``: a browser never runs or renders
a file from here as anything but an image.

Every image is served at its address only while what shows it is public, asked at each request:
an article's images (its lead image and the renditions and crops made of it) while an article
showing them is (``Article.objects.published()``), an author's photo while the author is
(``Author.objects.published()``: while they have a public article), a live update's image while
the update is (``LiveUpdate.objects.published()``: posted, of a public live story, not removed).
A draft's image, a new image in the draft of changes to a live article, the photo of an author
with no public article, an image stored for nobody, is not, however its address became known;
a scheduled article's is from its publication time on, with no job to run. Editors' previews and
the admin link to images through signed addresses that expire (``signed_url``).

What may keep a copy: the answer for an image that is not public is ``no-store``, so nothing
holds on to a 404 past publication. A public image names what shows it for edge caches (the
tag purged when an edit makes it stop being public: ``article:<pk>``, ``list:author:<pk>``,
``live:<pk>``), which may keep it for EDGE_CACHE_SECONDS (``s-maxage``); browsers, which no
purge reaches, for an hour. Neither is allowed past the moment the image stops being public with
no edit: when the last article showing it, or the last public article of its author, expires."""

import os
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import F, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponseNotFound
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .images import EXTENSIONS, content_type

# Where articles' images are stored (Article.lead_image's upload_to), and what is made of them
# (newsroom.renditions): "renditions/<the image's name without extension>-<digest>-<width>.webp"
# and "renditions/<…>-<digest>-<shape>-<width>.jpg".
ARTICLE_IMAGES = "articles/"
# Authors' photos (Author.photo) and live updates' images (LiveUpdate.image), made into
# renditions the same way.
AUTHOR_PHOTOS = "authors/"
LIVE_IMAGES = "live/"
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
    shown_by = showing(path)
    public = bool(shown_by)
    if not public and not _signed_for(path, request.GET.get(PREVIEW_PARAMETER, "")):
        # Not "public for a minute" as other 404s: what shows it may be published any second.
        response = HttpResponseNotFound("No such file.", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
    stored = stored_file(path)
    if stored is None:
        raise Http404("No such file.")
    response = FileResponse(stored.file, content_type=content_type(path))
    response["Content-Length"] = stored.size
    response["Last-Modified"] = http_date(stored.modified)
    response["Cache-Control"] = _public_cache_control(shown_by) if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        tags = " ".join(dict.fromkeys(tag for tag, _ in shown_by))
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
    """For an image public now, shown by ``shown_by`` ((tag, end) pairs, the end being when that
    one stops being public with no edit, or None)."""
    seconds = {"max-age": BROWSER_SECONDS, "s-maxage": settings.EDGE_CACHE_SECONDS}
    ends = [end for _, end in shown_by]
    if None not in ends:
        left = max(0, int(max(ends).timestamp() - time.time()))
        seconds = {name: min(value, left) for name, value in seconds.items()}
    return f"public, max-age={seconds['max-age']}, s-maxage={seconds['s-maxage']}"


def showing(name):
    """The public rows that show the stored image ``name`` (or the image it was made of) now,
    found in one query, as (tag, end) pairs: the tag is the one purged when an edit makes the row
    stop being public, the end the time it stops being public with no edit (None: never by time
    alone). Empty for an image nothing public shows, or one that is nobody's."""
    stem, names = name, [name]
    if name.startswith(RENDITIONS):
        rendition = RENDITION.fullmatch(name)
        if rendition is None:
            return []  # made by nothing of ours: not served
        # A rendition's name keeps its image's but for the extension, which is one of a few.
        stem = rendition["stem"]
        names = [f"{stem}{extension}" for extension in set(EXTENSIONS.values())]
    for folder, holders in HOLDERS.items():
        if stem.startswith(folder):
            return holders(names)
    return []


def _articles_showing(names):
    from articles.models import Article

    public = Article.objects.published().filter(lead_image__in=names)
    return [(f"article:{pk}", expires_at) for pk, expires_at in public.values_list("pk", "expires_at")]


def _authors_showing(names):
    """An author's photo is public while the author is (``Author.objects.published()``): until
    their last public article expires, or an edit (unpublishing it, removing the byline) ends it,
    which purges ``list:author:<pk>``."""
    from articles.models import ArticleAuthor, public_at
    from authors.models import Author

    now = timezone.now()
    # The latest expiry of the author's public articles; None first, as one that never expires.
    last_expiry = (
        ArticleAuthor.objects.filter(public_at(now, through="article__"), author=OuterRef("pk"))
        .order_by(F("article__expires_at").desc(nulls_first=True))
        .values("article__expires_at")[:1]
    )
    public = Author.objects.published(now).filter(photo__in=names)
    return [(f"list:author:{pk}", end) for pk, end in public.values_list("pk", Subquery(last_expiry))]


def _live_updates_showing(names):
    """A live update's image is public while the update is (``LiveUpdate.objects.published()``:
    posted, of a public live story, not removed). Nothing ends that but an edit of the story or
    the update, which purges ``live:<story pk>``."""
    from breaking.models import LiveUpdate

    public = LiveUpdate.objects.published().filter(image__in=names)
    return [(f"live:{story}", None) for story in public.values_list("story_id", flat=True)]


HOLDERS = {ARTICLE_IMAGES: _articles_showing, AUTHOR_PHOTOS: _authors_showing, LIVE_IMAGES: _live_updates_showing}


def signed_url(url, name):
    """``url``, the address of the stored file ``name``, with a signature that lets it be served
    for ``PREVIEW_SECONDS`` whether or not what shows it is public: for editors' previews and the
    admin."""
    token = signing.TimestampSigner(salt=PREVIEW_SALT).sign(name).removeprefix(f"{name}:")
    return f"{url}{'&' if '?' in url else '?'}{PREVIEW_PARAMETER}={token}"


def _signed_for(name, token):
    try:
        signing.TimestampSigner(salt=PREVIEW_SALT).unsign(f"{name}:{token}", max_age=PREVIEW_SECONDS)
    except signing.BadSignature:
        return False
    return True
