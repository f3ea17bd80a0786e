"""What every edge purge backend shares: tags sent in batches the CDN accepts, everything purged
at once when that would take too many requests, each request over HTTP with a short timeout."""

import urllib.request
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from newsroom.cache import EVERYTHING

USER_AGENT = "newsroom-edge-purge"
# More requests than this for one purge and the whole edge cache is purged instead, in one.
MAX_REQUESTS = 4


class EdgePurgeError(Exception):
    """The edge did not confirm a purge."""


class EdgeBackend:
    """One kind of edge cache. ``options`` are the backend's dictionary in
    EDGE_PURGE_BACKENDS, without BACKEND; ``TIMEOUT`` (seconds) bounds each request."""

    tags_per_request = 256

    def __init__(self, options):
        self.timeout = float(options.get("TIMEOUT", 2.0))

    def __str__(self):
        return type(self).__name__

    def purge(self, tags):
        """Make stale at the edge everything that shows one of ``tags``."""
        tags = sorted(tags)
        batches = [tags[start : start + self.tags_per_request] for start in range(0, len(tags), self.tags_per_request)]
        if EVERYTHING in tags or len(batches) > MAX_REQUESTS:
            self.purge_everything()
            return
        for batch in batches:
            self.purge_tags(batch)

    def purge_tags(self, tags):
        raise NotImplementedError

    def purge_everything(self):
        raise NotImplementedError

    def send(self, method, url, *, headers=None, data=None):
        """The body of the answer to one request; EdgePurgeError unless it succeeded."""
        request = urllib.request.Request(
            url, data=data, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except OSError as error:  # HTTPError, URLError and timeouts are all OSErrors
            raise EdgePurgeError(f"{self}: {method} {url}: {error}") from error


def required(options, name, backend):
    value = options.get(name)
    if not value:
        raise ImproperlyConfigured(f"EDGE_PURGE_BACKENDS: {backend} needs {name}.")
    return value


def http_url(url, setting):
    """``url`` without a trailing slash, if it is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{setting}: {url!r} is not an http:// or https:// URL.")
    return url.rstrip("/")
