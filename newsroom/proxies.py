"""The client's address as the outermost trusted proxy saw it.

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so with
``TRUSTED_PROXY_COUNT`` proxies in front of us the client is that many entries from the right;
anything further left was written by the client and may be forged. With no trusted proxy the
header is ignored and ``REMOTE_ADDR`` is the client.
"""

from django.conf import settings


def client_address(request):
    proxy_count = settings.TRUSTED_PROXY_COUNT
    remote_addr = request.META.get("REMOTE_ADDR")
    if proxy_count <= 0:
        return remote_addr
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxy_count:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote_addr
    return forwarded[-proxy_count]
