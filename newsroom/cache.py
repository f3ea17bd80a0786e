"""The public page cache.

Rendered public pages are kept in the cache (Redis when configured) under their URL, tagged with
the *content generation*: a token that changes whenever anything a page can show changes
(publishing, editing, a correction, a ticker item, an author, a section), from the admin, the
shell or the importer. A page rendered under an older generation is never served again.

Time changes content too: a scheduled article appears and an expiring one or a ticker item
goes at a given instant, with no job to bump the generation. So an entry is also valid only
until the next such instant (``next_change_at``), never past it.

Only anonymous GET and HEAD requests are cached; anything with a session (editors) is not.

Each process also keeps its most requested pages in memory and asks the shared cache for the
current generation at most every ``PAGE_CACHE_RECHECK_SECONDS`` (1 s by default), so a hit
usually costs no network round trip. A change made in this process is seen at once; one made
by another app server is seen within that interval.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

GENERATION_KEY = "content:generation"
NEXT_CHANGE_KEY = "content:next-change:{generation}"
PAGE_KEY = "page:{digest}"
# How long a CDN may keep serving a page it holds while the origin is failing.
STALE_IF_ERROR_SECONDS = 86_400
CACHED_HEADERS = ("Content-Type", "ETag", "Content-Language", "Cache-Control", "Last-Modified")
LOCAL_PAGES = 500


class LocalPages:
    """This process's own copy of the hottest pages and of the generation it last saw."""

    def __init__(self):
        self.pages = OrderedDict()
        self.generation = None
        self.checked_at = 0.0
        self.lock = threading.Lock()

    def generation_if_recent(self, now):
        recheck = settings.PAGE_CACHE_RECHECK_SECONDS
        return self.generation if 0 <= now - self.checked_at < recheck else None

    def saw_generation(self, generation, now):
        with self.lock:
            if generation != self.generation:
                self.pages.clear()
            self.generation, self.checked_at = generation, now

    def forget(self):
        with self.lock:
            self.pages.clear()
            self.generation, self.checked_at = None, 0.0

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)


local_pages = LocalPages()


def content_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
    return generation


def _new_generation():
    # Random, not the time: a clock that stands still or steps back must not repeat a generation.
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    local_pages.saw_generation(generation, time.time())
    return generation


def invalidate_pages(**kwargs):
    """Make every cached page stale, once the current transaction (if any) has committed."""
    transaction.on_commit(_new_generation)


def next_change_at(generation):
    """The next instant at which time alone changes what readers see (a scheduled article
    appears, an article expires, a ticker item starts or ends), as a Unix time; cached per
    content generation until that instant passes."""
    key = NEXT_CHANGE_KEY.format(generation=generation)
    now = time.time()
    cached = cache.get(key)
    if cached is not None and cached > now:
        return cached
    from articles.models import Article, TickerItem

    moment = timezone.now()
    articles = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        appears=Min("published_at", filter=Q(published_at__gt=moment)),
        expires=Min("expires_at", filter=Q(expires_at__gt=moment)),
    )
    items = TickerItem.objects.aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=moment)),
        expires=Min("expires_at", filter=Q(expires_at__gt=moment)),
    )
    instants = [value.timestamp() for value in (*articles.values(), *items.values()) if isinstance(value, datetime)]
    upcoming = min(instants, default=now + 86_400)
    cache.set(key, upcoming, max(1, int(upcoming - now)))
    return upcoming


def cached_for_content(name, compute, max_seconds=300):
    """``compute()``, kept in the cache until content changes or the next scheduled instant:
    for lists that are costly to build and change only when content does."""
    generation = content_generation()
    key = f"content:{name}:{generation}"
    value = cache.get(key)
    if value is None:
        value = compute()
        lifetime = min(max_seconds, next_change_at(generation) - time.time())
        cache.set(key, value, max(1, int(lifetime)))
    return value


@dataclass(frozen=True)
class CachedPage:
    generation: str
    valid_until: float
    status: int
    content: bytes
    headers: tuple


def cache_public_page(view=None, *, max_seconds=None):
    """Serve anonymous GET/HEAD requests for ``view`` from the page cache (see the module
    docstring). ``max_seconds`` caps an entry's life below ``PAGE_CACHE_SECONDS``."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            lifetime = (
                settings.PAGE_CACHE_SECONDS if max_seconds is None else min(max_seconds, settings.PAGE_CACHE_SECONDS)
            )
            if (
                lifetime <= 0
                or request.method not in ("GET", "HEAD")
                or settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                return view(request, *args, **kwargs)
            key = PAGE_KEY.format(digest=hashlib.sha256(request.build_absolute_uri().encode()).hexdigest())
            now = time.time()
            generation = local_pages.generation_if_recent(now)
            page = local_pages.get(key) if generation else None
            if page is not None and page.generation == generation and page.valid_until > now:
                return _response_from(page)
            found = cache.get_many([GENERATION_KEY, key])
            generation, page = found.get(GENERATION_KEY), found.get(key)
            if generation:
                local_pages.saw_generation(generation, now)
            if page is not None and page.generation == generation and page.valid_until > now:
                local_pages.put(key, page)
                return _response_from(page)
            generation = generation or content_generation()
            # Before rendering: an instant that passes while the page renders still ends the entry.
            valid_until = min(now + lifetime, next_change_at(generation))
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            set_response_etag(response)
            if not response.has_header("Cache-Control"):
                # Browsers and CDNs revalidate with the ETag: invalidation cannot reach them. While
                # the origin fails, a CDN may serve what it has (RFC 5861).
                patch_cache_control(response, public=True, max_age=0, stale_if_error=STALE_IF_ERROR_SECONDS)
            headers = tuple((name, response[name]) for name in CACHED_HEADERS if response.has_header(name))
            entry = CachedPage(generation, valid_until, response.status_code, response.content, headers)
            cache.set(key, entry, max(1, int(valid_until - now)))
            local_pages.put(key, entry)
            return response

        return cached_view

    return decorator(view) if view is not None else decorator


def _response_from(page):
    response = HttpResponse(page.content, status=page.status)
    for name, value in page.headers:
        response[name] = value
    return response
