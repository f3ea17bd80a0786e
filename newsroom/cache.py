"""The public page cache, made stale by what changes and nothing else.

Each cached page knows what it shows, as *tags* ("article:12", "list:section:3", "sections"),
named by its view with ``shows()``. A change purges the tags it makes stale (``purge()``, called
by the apps' rules, articles/invalidation.py): once the change has committed, a row is added to
the purge log (newsroom.models.PagePurge), which every process reads at most every
``PAGE_CACHE_RECHECK_SECONDS``. The log lives in the database, so a change made in any process
(a second app server, the shell, the importer) reaches every process within that interval, with
Redis or without it.

Pages are kept in the shared cache (Redis when configured, otherwise this process's memory) and
the most requested ones also in this process's memory, bounded in bytes. An entry remembers when
it was rendered; it is served only while no purge of one of its tags has been seen since.

Time changes pages too, with no job to run: when a scheduled article's publication time, an
expiry or a ticker item's start or end passes, the first request after it purges, in that
process, the tags of what appeared or went (functions registered in ``DUE``), so that an entry
rendered before that instant is not served after it.

Blocks that pages share (the breaking-news bar, "more top reads") are cached on their own and
joined into the page when it is served (``block()``): a ticker change leaves every page cached,
and a reader without JavaScript still gets the current ticker in the HTML. They are kept for
``BLOCK_CACHE_SECONDS`` (by default as long as pages), also while the page cache is off.

Only anonymous GET and HEAD requests are cached: a valid staff session bypasses the cache, a
cookie that merely looks like one does not. The cache key holds only the query parameters the
page reads, so tracking parameters share the cached page.

Edge caches in front (Varnish, a CDN) are told the same: responses name their tags
(``Surrogate-Key``, ``Cache-Tag``, ``xkey``), every purge is sent to them too
(newsroom.edge.purging), and they may keep pages for EDGE_CACHE_SECONDS. An edge that can join
blocks itself (Edge Side Includes, with EDGE_INCLUDES) is sent each block as an include of its
own address (``block_page``), so a purge of a block's tags refreshes it in every page it holds.
"""

import contextlib
import hashlib
import logging
import math
import pickle
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from .edge import purging as edge_purging

logger = logging.getLogger(__name__)

PAGE_KEY = "page:{digest}"
BLOCK_KEY = "block:{name}:{argument}"
# How long a CDN may keep serving a page it holds while the origin is failing.
STALE_IF_ERROR_SECONDS = 86_400
CACHED_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Last-Modified")
EVERYTHING = "*"
# Purge-log rows are read again from this many ids back: rows written at the same moment by two
# processes may become visible out of order.
REORDER_WINDOW = 50
BLOCK_MARK = re.compile(rb"<!--block:([a-z-]+):([0-9]*)-->.*?<!--/block-->", re.DOTALL)

# name -> function(argument) giving (html, tags, valid_until) for a block joined at serve time.
BLOCKS = {}
# Functions (since, until) -> tags of what appeared or went between two instants, and functions
# () -> the next such instant (a Unix time) or None; registered by the apps.
DUE = []
NEXT_DUE = []


@dataclass(frozen=True)
class Entry:
    rendered_at: float  # wall-clock time the render started
    valid_until: float
    tags: frozenset
    status: int
    parts: tuple  # bytes, or (block name, argument) to join when served
    headers: tuple
    size: int = 0

    def __getstate__(self):
        # What serving worked out (``_served_body``) stays in this process.
        return {name: value for name, value in self.__dict__.items() if name != "served"}


class PurgeLog:
    """This process's view of the purge log: when it last saw each tag purged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self):
        with getattr(self, "lock", threading.Lock()):
            self.seen = {}  # tag -> wall-clock time this process saw it purged
            self.applied = set()  # ids of the purge rows applied lately
            self.last_id = None
            self.started_at = time.time()
            self.checked_at = 0.0
            self.due_checked_at = None
            self.next_due = 0.0
            self.next_change = 0.0  # when time next changes what readers see, if ever (inf)
            self.last_tick = 0.0

    def tick(self):
        """The time now, on a clock that never repeats itself in this process: a render and a
        purge in the same clock tick are still told apart."""
        with self.lock:
            self.last_tick = max(time.time(), self.last_tick + 1e-6)
            return self.last_tick

    def note(self, tags, at):
        with self.lock:
            for tag in tags:
                if self.seen.get(tag, 0) < at:
                    self.seen[tag] = at

    def fresh(self, entry, now):
        """Whether ``entry`` may be served at ``now``: not past its time, and no tag of it
        purged since it was rendered."""
        if entry.valid_until <= now or entry.rendered_at < self.started_at - kept_seconds():
            return False
        seen = self.seen
        if seen.get(EVERYTHING, 0) > entry.rendered_at:
            return False
        return not any(seen.get(tag, 0) > entry.rendered_at for tag in entry.tags)

    def refresh(self, now):
        """Read the purges written since the last look, and purge what time changed, at most
        every PAGE_CACHE_RECHECK_SECONDS."""
        if 0 <= now - self.checked_at < settings.PAGE_CACHE_RECHECK_SECONDS:
            return
        self.checked_at = now
        try:
            with transaction.atomic():  # a failure here leaves the caller's transaction usable
                # A change may have made a new instant due (an article scheduled, a ticker item
                # set to end): after reading one, ask again when the next one is.
                if self._read_log(now) or now >= self.next_due:
                    self._purge_due(now)
        except DatabaseError:
            # Nothing can change while the database is away: keep serving what is cached, and
            # read the log again at the next interval.
            logger.exception("The page cache could not read the purge log")

    def _read_log(self, now):
        """Apply the purges written since the last look; whether there were any."""
        from .models import PagePurge

        rows = PagePurge.objects.order_by("id").values_list("id", "tags", "purged_at")
        if self.last_id is None:
            # A new process: what was purged within an entry's lifetime may concern entries
            # other processes rendered before this one started.
            horizon = timezone.now() - timedelta(seconds=kept_seconds() + 60)
            rows = rows.filter(purged_at__gte=horizon)
        else:
            rows = rows.filter(id__gt=self.last_id - REORDER_WINDOW)
        read = False
        for pk, tags, purged_at in rows:
            if pk in self.applied:
                continue
            read = True
            self.applied.add(pk)
            # A row is written once its change has committed: whatever any process began to
            # render after that instant shows the change, and stays fresh. Clocks of several
            # servers may differ by up to PAGE_CACHE_CLOCK_SKEW_SECONDS.
            self.note(tags.split(), min(now, purged_at.timestamp() + settings.PAGE_CACHE_CLOCK_SKEW_SECONDS))
            self.last_id = max(self.last_id or 0, pk)
        if self.last_id is None:
            self.last_id = PagePurge.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.applied = {pk for pk in self.applied if pk > self.last_id - REORDER_WINDOW}
        return read

    def _purge_due(self, now):
        since = self.due_checked_at if self.due_checked_at is not None else now - kept_seconds() - 60
        until = datetime.fromtimestamp(now, tz=timezone.get_current_timezone())
        start = datetime.fromtimestamp(since, tz=timezone.get_current_timezone())
        for due in DUE:
            for tags, at in due(start, until):
                self.note(tags, at.timestamp())
        self.due_checked_at = now
        upcoming = [instant for next_due in NEXT_DUE if (instant := next_due()) is not None]
        self.next_change = min(upcoming, default=math.inf)
        self.next_due = min(self.next_change, now + 3600)


class Recent:
    """This process's most recently used values by key, at most ``limit()`` bytes in all by
    ``size_of``; a value over 1/``share`` of the limit is not kept, so that one may not push out
    most of the others. Pages here (``local_pages``), fragments in newsroom/fragments.py."""

    def __init__(self, limit, size_of=len, share=4):
        self.limit, self.size_of, self.share = limit, size_of, share
        self.values = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def forget(self):
        with self.lock:
            self.values.clear()
            self.size = 0

    def get(self, key):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def get_many(self, keys):
        return {key: value for key in keys if (value := self.get(key)) is not None}

    def put(self, key, value):
        limit = self.limit()
        if self.size_of(value) > limit // self.share:
            return
        with self.lock:
            old = self.values.pop(key, None)
            self.size -= self.size_of(old) if old is not None else 0
            self.values[key] = value
            self.size += self.size_of(value)
            while self.size > limit:
                _, dropped = self.values.popitem(last=False)
                self.size -= self.size_of(dropped)

    def discard(self, key):
        with self.lock:
            old = self.values.pop(key, None)
            self.size -= self.size_of(old) if old is not None else 0


def page_store():
    """This process's own copy of the most requested pages, at most PAGE_CACHE_LOCAL_BYTES."""
    return Recent(lambda: settings.PAGE_CACHE_LOCAL_BYTES, size_of=lambda entry: entry.size)


purge_log = PurgeLog()
local_pages = page_store()


def forget():
    """Start afresh: no page kept, no purge seen (tests; a new process)."""
    purge_log.forget()
    local_pages.forget()


# Naming what a page shows, and purging it


def shows(request, *tags):
    """Record that the page being rendered for ``request`` shows ``tags``."""
    if not hasattr(request, "page_tags"):
        request.page_tags = set()
    request.page_tags.update(tags)


def purge(*tags):
    """Make stale every cached page and block showing any of ``tags``, once the current
    transaction (if any) has committed, in every process."""
    tags = frozenset(tags)
    if tags:
        transaction.on_commit(lambda: _write_purge(tags))


def purge_everything():
    purge(EVERYTHING)


def _write_purge(tags):
    from .models import PagePurge

    row = PagePurge.objects.create(tags=" ".join(sorted(tags)))
    purge_log.note(tags, purge_log.tick())
    edge_purging.purge(tags)
    if row.pk % 500 == 0:
        kept = timezone.now() - timedelta(seconds=2 * kept_seconds() + 3600)
        PagePurge.objects.filter(purged_at__lt=kept).delete()


# Blocks joined at serve time


def block(name, argument=""):
    """The HTML of block ``name`` (for ``argument``), marked so that a cached page is served
    with the block as it is then, not as it was when the page was rendered."""
    html = _block_entry(name, str(argument), time.time()).parts[0]
    return mark_safe(f"<!--block:{name}:{argument}-->{html}<!--/block-->")


def _block_entry(name, argument, now):
    key = BLOCK_KEY.format(name=name, argument=argument)
    lifetime = block_seconds()
    if lifetime > 0:
        if settings.PAGE_CACHE_SECONDS <= 0:
            purge_log.refresh(now)  # otherwise done by the page cache before serving the page
        entry = local_pages.get(key)
        if entry is not None and purge_log.fresh(entry, now):
            return entry
        entry = cache.get(key)
        if entry is not None and purge_log.fresh(entry, now):
            local_pages.put(key, entry)
            return entry
    rendered_at = purge_log.tick()
    html, tags, valid_until = BLOCKS[name](argument)
    valid_until = min(valid_until or rendered_at + lifetime, rendered_at + lifetime)
    entry = Entry(rendered_at, valid_until, frozenset(tags), 200, (str(html),), (), len(html))
    if lifetime > 0:
        cache.set(key, entry, max(1, int(valid_until - rendered_at)))
        local_pages.put(key, entry)
    return entry


def block_seconds():
    """How long a block is kept: BLOCK_CACHE_SECONDS, by default as long as a page."""
    seconds = settings.BLOCK_CACHE_SECONDS
    return settings.PAGE_CACHE_SECONDS if seconds is None else seconds


def kept_seconds():
    """The longest that anything the purge log makes stale (pages, blocks) is kept."""
    return max(settings.PAGE_CACHE_SECONDS, block_seconds())


def _split_blocks(content):
    parts, position = [], 0
    for match in BLOCK_MARK.finditer(content):
        parts.append(content[position : match.start()])
        parts.append((match[1].decode(), match[2].decode()))
        position = match.end()
    parts.append(content[position:])
    return tuple(parts)


def _joined(parts, includes):
    """The page's bytes with each block as it is now, or as an Edge Side Include."""
    join = _edge_include if includes else block
    return b"".join(part if isinstance(part, bytes) else join(*part).encode() for part in parts)


def _served_body(entry, includes, now):
    """The bytes of ``entry`` as served now and their digest: worked out once for each state of
    its blocks, kept on the entry in this process (a served page costs no join and no hash)."""
    if includes:
        state = "includes"
    else:
        state = tuple(_block_entry(*part, now).rendered_at for part in entry.parts if not isinstance(part, bytes))
    served = entry.__dict__.get("served")
    if served is None or served[0] != state:
        content = _joined(entry.parts, includes)
        served = (state, content, hashlib.blake2b(content, digest_size=16).hexdigest())
        object.__setattr__(entry, "served", served)
    return served[1], served[2]


# Blocks joined by the edge (Edge Side Includes)


def _edge_includes(request):
    """Whether the edge in front of us joins the blocks into pages itself: it says so in every
    request it makes (and overwrites the header in every request it passes on)."""
    return settings.EDGE_INCLUDES and "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def _edge_include(name, argument):
    return f'<esi:include src="{reverse("block", args=[name, argument])}"/>'


@require_safe
def block_page(request, name, argument=""):
    """Block ``name`` on its own, for the edge to join into pages (Edge Side Includes), named by
    its tags so that a purge of them refreshes it in every page the edge holds."""
    if name not in BLOCKS:
        raise Http404("No such block.")
    now = time.time()
    if settings.PAGE_CACHE_SECONDS > 0:
        purge_log.refresh(now)
    entry = _block_entry(name, argument, now)
    response = HttpResponse(entry.parts[0])
    _name_contents(response, entry.tags)
    _patch_public_cache_control(response)
    response["X-Robots-Tag"] = "noindex"
    return response


# The page cache


def cache_key(request, params):
    """The key of the page for ``request``: its path and the query parameters the page reads,
    in a fixed order; every other parameter (tracking, cache busting) shares the page."""
    query = ""
    if params and (string := request.META.get("QUERY_STRING")):
        # Read as request.GET reads it (its first five values of a name), without building it.
        encoding = request.encoding or settings.DEFAULT_CHARSET
        with contextlib.suppress(UnicodeError):
            string = string.encode("iso-8859-1").decode(encoding)  # WSGI's str of the raw bytes
        values = {}
        for name, value in parse_qsl(string, keep_blank_values=True, encoding=encoding):
            if name in params and len(kept := values.setdefault(name, [])) < 5:
                kept.append(value)
        query = urlencode(sorted((name, value) for name, kept in values.items() for value in kept))
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return PAGE_KEY.format(digest=hashlib.sha256(url.encode()).hexdigest())


def _bypasses_cache(request):
    """Staff with a valid session see pages as they are; a session cookie alone changes nothing,
    and costs nothing: the session is looked up only beside a staff cookie signed for it."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    staff_cookie = request.COOKIES.get(STAFF_COOKIE)
    if not session_key or not staff_cookie or not constant_time_compare(staff_cookie, _staff_cookie(session_key)):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


# The staff cookie: set beside the session cookie of a signed-in staff member, signed for that
# session, so that telling a made-up session cookie from a staff member's takes no database query.
# Edges pass requests that carry it (deploy/varnish/newsroom.vcl) and serve every other one.
STAFF_COOKIE = "newsroom_staff"
STAFF_COOKIE_SALT = "newsroom.cache.staff-cookie"


def _staff_cookie(session_key):
    digest = hashlib.sha256(session_key.encode()).hexdigest()[:32]
    return signing.Signer(salt=STAFF_COOKIE_SALT).sign(digest)


class StaffCookieMiddleware:
    """Keeps the staff cookie beside the session of a signed-in staff member, and removes it once
    the session is not one (signed out, no longer staff). Only requests that read the session
    anyway (the admin, signing in) are looked at: public pages cost nothing more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        user = getattr(request, "user", None)
        session_key = session.session_key
        if session_key and user is not None and user.is_authenticated and user.is_staff:
            value = _staff_cookie(session_key)
            if request.COOKIES.get(STAFF_COOKIE) != value:
                expires_at_close = session.get_expire_at_browser_close()
                response.set_cookie(
                    STAFF_COOKIE,
                    value,
                    max_age=None if expires_at_close else session.get_expiry_age(),
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        elif STAFF_COOKIE in request.COOKIES:
            response.delete_cookie(
                STAFF_COOKIE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


def cache_public_page(view=None, *, max_seconds=None, params=(), tags=()):
    """Serve anonymous GET/HEAD requests for ``view`` from the page cache (see the module
    docstring). ``max_seconds`` caps an entry's life below ``PAGE_CACHE_SECONDS``; ``params``
    are the query parameters the view reads; ``tags`` what it shows beyond what it names."""

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            lifetime = (
                settings.PAGE_CACHE_SECONDS if max_seconds is None else min(max_seconds, settings.PAGE_CACHE_SECONDS)
            )
            if lifetime <= 0 or request.method not in ("GET", "HEAD") or _bypasses_cache(request):
                return view(request, *args, **kwargs)
            purge_log.refresh(time.time())
            now = time.time()
            key = cache_key(request, params)
            entry = local_pages.get(key)
            if entry is None or not purge_log.fresh(entry, now):
                local_pages.discard(key)
                entry = cache.get(key)
                if entry is not None and purge_log.fresh(entry, now):
                    local_pages.put(key, entry)
                else:
                    shows(request, *tags)
                    entry = _render(view, request, args, kwargs, key, now, lifetime)
                    if isinstance(entry, HttpResponse):
                        return entry
            return _response_from(entry, request)

        return cached_view

    return decorator(view) if view is not None else decorator


def _render(view, request, args, kwargs, key, now, lifetime):
    """Render the page and keep it; returns the entry, or the response if it is not kept."""
    rendered_at = purge_log.tick()
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or response.streaming or response.cookies:
        return response
    tags = frozenset(getattr(request, "page_tags", ()) or {EVERYTHING})
    valid_until = rendered_at + lifetime
    headers = tuple((name, response[name]) for name in CACHED_HEADERS if response.has_header(name))
    parts = _split_blocks(response.content)
    # With blocks to join, a served copy of the page is kept beside its parts (_served_body).
    size = len(response.content) * (2 if len(parts) > 1 else 1)
    entry = Entry(rendered_at, valid_until, tags, response.status_code, parts, headers, size)
    cache.set(key, entry, max(1, int(lifetime)))
    local_pages.put(key, entry)
    return entry


def _response_from(entry, request):
    includes = _edge_includes(request)
    content, digest = _served_body(entry, includes, time.time())
    response = HttpResponse(content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    response["ETag"] = f'"{digest}"'
    response.body_digest = digest  # spares the compression middleware hashing it again
    if includes and any(not isinstance(part, bytes) for part in entry.parts):
        response["Surrogate-Control"] = 'content="ESI/1.0"'
    _name_contents(response, entry.tags)
    _patch_public_cache_control(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def _name_contents(response, tags):
    """Name what the response shows for edge caches: Fastly and Varnish (xkey) read the tags
    separated by spaces, Cloudflare by commas."""
    spaced, commas = _tag_headers(tags)
    response["Surrogate-Key"] = response["xkey"] = spaced
    response["Cache-Tag"] = commas


@lru_cache(maxsize=4096)
def _tag_headers(tags):
    tags = sorted(tags)
    return " ".join(tags), ",".join(tags)


def _patch_public_cache_control(response):
    """Unless the view said otherwise: browsers revalidate with the ETag, as a purge cannot
    reach them; edges may keep the page for EDGE_CACHE_SECONDS (they are sent the purges) and
    serve what they have while the origin fails (RFC 5861)."""
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = _public_cache_control(_edge_max_age())


@lru_cache(maxsize=1024)
def _public_cache_control(edge_seconds):
    response = HttpResponse()
    shared = {"s_maxage": edge_seconds} if edge_seconds else {}
    patch_cache_control(response, public=True, max_age=0, stale_if_error=STALE_IF_ERROR_SECONDS, **shared)
    return response["Cache-Control"]


def _edge_max_age():
    """How long an edge may keep what leaves now: EDGE_CACHE_SECONDS, but not past the next
    instant at which time changes what readers see (the edge is sent no purge then), and not at
    all if it might reach the edge after the second purge of a change this process has not yet
    read in the purge log (newsroom.edge.purging)."""
    now = time.time()
    if now - purge_log.checked_at > edge_purging.resend_after() - edge_purging.TRANSIT_SECONDS:
        return 0
    return max(0, int(min(settings.EDGE_CACHE_SECONDS, purge_log.next_change - now)))


def cached_for_content(name, compute, *, tags, max_seconds=300):
    """``compute()``, kept until one of ``tags`` is purged (or ``max_seconds``): for values that
    are costly to build and change only when what they show does. Kept in the shared cache and,
    like pages, in this process's memory in front of it."""
    if kept_seconds() <= 0:
        # Nothing is kept (and the purge log not read): computed every time, so that a change
        # made in another process shows at once here too.
        return compute()
    now = time.time()
    purge_log.refresh(now)
    key = f"content:{name}"
    entry = local_pages.get(key)
    if entry is None or not purge_log.fresh(entry, now):
        entry = cache.get(key)
        if entry is None or not purge_log.fresh(entry, now):
            rendered_at = purge_log.tick()
            value = compute()
            size = len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            entry = Entry(rendered_at, now + max_seconds, frozenset(tags), 200, (value,), (), size)
            cache.set(key, entry, max_seconds)
        local_pages.put(key, entry)
    return entry.parts[0]
