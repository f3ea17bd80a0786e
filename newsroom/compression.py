"""Compressed responses: brotli or gzip for text (HTML, XML, feeds, JSON), as the client accepts.

The coding is chosen from ``Accept-Encoding`` by its q-values; between codings the client likes
equally, brotli wins (smaller), then gzip. No header, ``identity`` alone, or nothing we offer
acceptable: the body goes as it is. Every compressible response says ``Vary: Accept-Encoding``.

Not compressed: bodies below ``MIN_SIZE`` (they fit a packet anyway), bodies already encoded,
streaming responses (here these are files: static files, which collectstatic compresses ahead,
and images) and types that do not shrink.

ETags: a compressed body is another representation of the same page, so its ETag is the plain
body's, weakened and suffixed with the coding (``W/"…-br"``). ``ConditionalGetMiddleware`` sits
outside this middleware, so the 304s it makes carry the ETag and ``Vary`` of the compressed 200.
When the request's validators already match, this middleware answers 304 itself, the way
ConditionalGetMiddleware would, rather than compress a body that is never sent.

Each process keeps its most recent compressed bodies by a digest of the plain body
(``CompressedBodies``): a page served from the page cache is compressed once, not per request.

Responses to a visitor with a session (editors: the admin, previews) may hold secrets beside text
the visitor sent, the setting of the BREACH attack: they are gzipped with Django's Heal The
Breach padding (random bytes in the gzip header), never brotli, which has no such padding.
Anonymous visitors have no secret to steal.
"""

import hashlib
import threading
from collections import OrderedDict

import brotli
from django.conf import settings
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import parse_http_date_safe
from django.utils.text import compress_string

from .http import needs_etag

MIN_SIZE = 512
# Quality 5 of 11: smaller than gzip's default on every page measured, for at most twice its CPU
# time (0.2 ms for a 13 KB article, 10-14 ms for a 1.3 MB sitemap). Quality 4 is faster but larger
# than gzip on big sitemaps; from quality 9 on, a page costs 5 ms or more (bench/compression.py).
BROTLI_QUALITY = 5
# As Django's GZipMiddleware: up to this many random bytes in the gzip header (Heal The Breach).
HTB_MAX_RANDOM_BYTES = 100
# Ours, in order of preference when the client weighs them the same.
CODINGS = ("br", "gzip")
ALIASES = {"x-gzip": "gzip"}
TEXT_SUBTYPES = {"xml", "json", "javascript", "ecmascript"}
# Compressed bodies kept per process: up to this many bytes in all, of bodies up to this size.
KEPT_BYTES = 8 * 1024 * 1024
KEPT_BODY_MAX = 256 * 1024


def accepted_codings(header):
    """``{coding: q}`` from an Accept-Encoding value, names lower-cased; malformed parts are
    skipped, not fatal."""
    accepted = {}
    for part in header.split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        if not name:
            continue
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if 0.0 <= quality <= 1.0:
            name = name.lower()
            accepted[ALIASES.get(name, name)] = quality
    return accepted


def negotiate(header, offered=CODINGS):
    """The coding in ``offered`` to send for an Accept-Encoding header value, or None for the body
    as it is. Highest q first, then the order of ``offered``; a coding named explicitly outranks
    ``*``; an explicit ``identity`` preferred over every coding wins."""
    if not header:
        return None
    accepted = accepted_codings(header)
    anything = accepted.get("*", 0.0)
    best, best_quality = None, 0.0
    for coding in offered:
        quality = accepted.get(coding, anything)
        if quality > best_quality:
            best, best_quality = coding, quality
    if best is None or accepted.get("identity", 0.0) > best_quality:
        return None
    return best


def is_compressible(content_type):
    media_type = content_type.split(";", 1)[0].strip().lower()
    main, _, subtype = media_type.partition("/")
    return main == "text" or subtype in TEXT_SUBTYPES or subtype.endswith(("+xml", "+json"))


def compress(content, coding, *, pad=False):
    if coding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)
    return compress_string(content, max_random_bytes=HTB_MAX_RANDOM_BYTES if pad else None)


class CompressedBodies:
    """This process's most recently used compressed bodies, by coding and a digest of the plain
    body, up to ``KEPT_BYTES``. Padded bodies are never kept: their padding must be new each time."""

    def __init__(self):
        self.bodies = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def compressed(self, content, coding, digest=None):
        """``content`` compressed; ``digest``, where the caller has one, names the content
        (the page cache's ETag) and spares hashing it again."""
        if len(content) > KEPT_BODY_MAX:
            return compress(content, coding)
        key = (coding, digest) if digest else (coding, hashlib.blake2b(content, digest_size=16).digest())
        with self.lock:
            body = self.bodies.get(key)
            if body is not None:
                self.bodies.move_to_end(key)
                return body
        body = compress(content, coding)
        with self.lock:
            if key not in self.bodies:
                self.bodies[key] = body
                self.size += len(body)
            while self.size > KEPT_BYTES:
                self.size -= len(self.bodies.popitem(last=False)[1])
        return body


compressed_bodies = CompressedBodies()


def coding_etag(etag, coding):
    """The ETag of the ``coding`` representation of a body whose ETag is ``etag``."""
    opaque = etag.removeprefix("W/")
    return f'W/{opaque[:-1]}-{coding}"' if opaque.endswith('"') else etag


PRECONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def _conditional(request, response):
    """What ConditionalGetMiddleware would make of ``response``: itself, or a 304 (or 412)."""
    if request.method != "GET" or not any(header in request.META for header in PRECONDITIONS):
        return response
    last_modified = response.get("Last-Modified")
    last_modified = last_modified and parse_http_date_safe(last_modified)
    etag = response.get("ETag")
    if not (etag or last_modified):
        return response
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


class CompressionMiddleware(MiddlewareMixin):
    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or not is_compressible(response.get("Content-Type", ""))
            or len(content := response.content) < MIN_SIZE
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        per_visitor = settings.SESSION_COOKIE_NAME in request.COOKIES
        coding = negotiate(request.headers.get("Accept-Encoding", ""), ("gzip",) if per_visitor else CODINGS)
        if coding is None:
            return response
        if request.method in ("GET", "HEAD") and not response.has_header("ETag") and needs_etag(response):
            set_response_etag(response)  # of the plain body, as ConditionalGetMiddleware would
        if response.has_header("ETag"):
            response["ETag"] = coding_etag(response["ETag"], coding)
        conditional = _conditional(request, response)
        if conditional is not response:
            return conditional  # not worth compressing a body that is not sent
        if per_visitor:
            response.content = compress(content, coding, pad=True)
        else:
            response.content = compressed_bodies.compressed(content, coding, getattr(response, "body_digest", None))
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = coding
        return response
