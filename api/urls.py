"""/api/v1/: the API's views (api/views.py) behind the rate limit and the page cache. A request
for an article in ninjs by its Accept header is answered by the .ninjs view without the page
cache, which keys by address alone and would otherwise mix the two (the .ninjs address itself is
cached)."""

from functools import wraps

from django.urls import path
from django.utils.cache import patch_vary_headers

from newsroom.cache import cache_public_page

from .keys import rate_limited
from .views import NINJS, PARAMS, api

patterns, ninja_app_name, ninja_namespace = api.urls


def _cached(view):
    def uncached_or_cached(request, *args, **kwargs):
        # A sync from a moment is a question of its own each time: not worth keeping.
        if "updated_since" in request.GET:
            return view(request, *args, **kwargs)
        return cached(request, *args, **kwargs)

    cached = cache_public_page(view, params=PARAMS)
    return wraps(view)(uncached_or_cached)


def _wants_ninjs(request):
    return NINJS in request.headers.get("Accept", "")


def _negotiated(json_view, ninjs_view):
    @wraps(json_view)
    def negotiated(request, *args, **kwargs):
        response = (ninjs_view if _wants_ninjs(request) else json_view)(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return negotiated


by_name = {}
ninjs_view = next(pattern.callback for pattern in patterns if pattern.name == "article-ninjs")
for pattern in patterns:
    if pattern.name in ("openapi-json", "openapi-view"):
        continue  # the schema and its docs change only with the code
    pattern.callback = _cached(pattern.callback)
    by_name[pattern.name] = pattern
by_name["article"].callback = _negotiated(by_name["article"].callback, ninjs_view)
for pattern in patterns:
    pattern.callback = rate_limited(pattern.callback)

urlpatterns = [path("", (patterns, ninja_app_name, ninja_namespace))]
