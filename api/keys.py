"""API keys and the rate limit on requests without one.

A key is ``nrk_`` and 32 random bytes; only its SHA-256 digest is stored (a key this long needs no
slow hash: it cannot be guessed, only stolen), so it is shown once, when made. Requests without a
key are limited to API_RATE_LIMIT_PER_MINUTE per client address, the address taken behind
TRUSTED_PROXY_COUNT proxies as the login protection does (newsroom/proxies.py), counted in the
shared cache (Redis when configured). A request with a key that is unknown or revoked is refused
rather than served as anonymous, so a client learns at once that its key stopped working.
"""

import hashlib
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone

from newsroom.proxies import client_address

from .models import ApiKey

PREFIX = "nrk_"
WINDOW_SECONDS = 60


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(*, name, user=None):
    """Make a key; returns (ApiKey, the key itself), which is never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey.objects.create(name=name, prefix=key[: len(PREFIX) + 6], digest=digest(key), created_by=user)
    return row, key


def revoke_keys(keys):
    return keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def presented_key(request):
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return request.headers.get("X-API-Key", "").strip() or None


def _count(address):
    """This window's requests from ``address``, this one included; None if the cache is away."""
    key = f"api-rate:{address}:{int(time.time() // WINDOW_SECONDS)}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, WINDOW_SECONDS + 5)
        return 1


def rate_limited(view):
    """Serve ``view`` to key holders, and to others within the limit; 429 past it."""

    @wraps(view)
    def limited_view(request, *args, **kwargs):
        key = presented_key(request)
        if key is not None:
            if not ApiKey.objects.active().filter(digest=digest(key)).exists():
                response = JsonResponse({"detail": "Unknown or revoked API key."}, status=401)
                response["WWW-Authenticate"] = 'Bearer realm="api"'
                return response
            return view(request, *args, **kwargs)
        limit = settings.API_RATE_LIMIT_PER_MINUTE
        if limit > 0:
            count = _count(client_address(request))
            if count is not None and count > limit:
                detail = f"More than {limit} requests a minute from this address; an API key lifts the limit."
                response = JsonResponse({"detail": detail}, status=429)
                response["Retry-After"] = str(WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
                return response
        return view(request, *args, **kwargs)

    return limited_view
