"""Sending the page cache's purges to the edge caches in EDGE_PURGE_BACKENDS.

``purge(tags)`` is called once a purge is in the purge log (newsroom.cache._write_purge). During
a request the tags are gathered and sent when the response has gone, one batch per request;
elsewhere (the shell, a command) they are sent at once. A failing edge costs at most
EDGE_PURGE_TIMEOUT per request to it, is logged once in a while, and never reaches the caller.

Each purge is sent twice: at once, so that an edit shows at the edge at once, and again
``resend_after()`` seconds later. Until every app process has read the purge log (within
PAGE_CACHE_RECHECK_SECONDS), one of them may still answer the edge's next request with the page
as it was, and a page being rendered when the change committed may reach the edge after the
first purge; both are gone with the second. Pages leave the app with a shared max-age only if
they reach the edge before then (newsroom.cache: ``_edge_max_age``).
"""

import logging
import threading
import time
from functools import cache

from django.conf import settings
from django.core.signals import request_finished, request_started, setting_changed

logger = logging.getLogger("newsroom.edge")

# The second purge follows the first by PAGE_CACHE_RECHECK_SECONDS plus this much.
RESEND_MARGIN_SECONDS = 2.0
# A response reaches the edge within this long of leaving the app (and a purge within this long
# of being sent), so it must leave the app this much before the second purge to be kept there.
TRANSIT_SECONDS = 1.0


def resend_after():
    return settings.PAGE_CACHE_RECHECK_SECONDS + RESEND_MARGIN_SECONDS


@cache
def backends():
    """The configured backends, made once per process (and again when the setting changes)."""
    from .backends import load

    return tuple(load(settings.EDGE_PURGE_BACKENDS))


def _forget_backends(setting, **kwargs):
    if setting == "EDGE_PURGE_BACKENDS":
        backends.cache_clear()


class Batch(threading.local):
    """The tags purged during the request this thread is serving (None: not in a request)."""

    tags = None


batch = Batch()


def purge(tags):
    """Purge ``tags`` at every edge cache: when the current request ends, or now."""
    if not backends():
        return
    if batch.tags is not None:
        batch.tags.update(tags)
    else:
        send(tags)


def request_began(**kwargs):
    leftover, batch.tags = batch.tags, set()
    if leftover:  # a request whose end was never signalled
        send(leftover)


def request_ended(**kwargs):
    tags, batch.tags = batch.tags, None
    if tags:
        send(tags)


def send(tags):
    """Purge ``tags`` at every backend now, and again resend_after() seconds later."""
    send_now(tags)
    resends.add(tags)


def send_now(tags):
    for backend in backends():
        try:
            backend.purge(tags)
        except Exception:
            # Throttled in LOGGING: while an edge is down every purge fails.
            logger.exception("Edge cache purge failed", extra={"backend": str(backend), "tags": len(tags)})


class Resends:
    """Purges to send again, by one thread that lives while there are some. The thread is not a
    daemon: a shell or a command that purged waits for its second purge before exiting."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting = []  # (monotonic time due, tags)
        self.thread = None

    def add(self, tags):
        with self.lock:
            self.waiting.append((time.monotonic() + resend_after(), frozenset(tags)))
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="edge-purge-resend")
                self.thread.start()

    def _run(self):
        while True:
            with self.lock:
                if not self.waiting:
                    self.thread = None
                    return
                now = time.monotonic()
                due = [tags for at, tags in self.waiting if at <= now]
                self.waiting = [(at, tags) for at, tags in self.waiting if at > now]
                wait = min((at for at, _ in self.waiting), default=now) - now
            if due:
                send_now(frozenset().union(*due))
            else:
                time.sleep(wait)

    def wait(self):
        """Until every purge waiting has been sent (tests)."""
        thread = self.thread
        if thread is not None:
            thread.join()


resends = Resends()


def connect():
    """Purge per request, and make the backends now, so that a bad EDGE_PURGE_BACKENDS stops the
    process from starting."""
    backends()
    request_started.connect(request_began, dispatch_uid="edge-purge-request-began")
    request_finished.connect(request_ended, dispatch_uid="edge-purge-request-ended")
    setting_changed.connect(_forget_backends, dispatch_uid="edge-purge-backends")
