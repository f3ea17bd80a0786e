"""One backend class per kind of edge cache, chosen in EDGE_PURGE_BACKENDS."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .cloudflare import CloudflareBackend
from .fastly import FastlyBackend
from .varnish import VarnishBackend

__all__ = ["CloudflareBackend", "FastlyBackend", "VarnishBackend", "load"]


def load(configs):
    """The backends ``configs`` (EDGE_PURGE_BACKENDS) describe: dictionaries of BACKEND, a
    dotted path, and that backend's options."""
    backends = []
    for config in configs:
        options = dict(config)
        path = options.pop("BACKEND", None)
        try:
            backend_class = import_string(path or "")
        except ImportError as error:
            raise ImproperlyConfigured(f"EDGE_PURGE_BACKENDS: no backend {path!r}: {error}") from error
        backends.append(backend_class(options))
    return backends
