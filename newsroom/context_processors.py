from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The addresses every page links to, by the name templates use (``{{ urls.archive }}``).
SITE_URLS = {
    "home": "home",
    "archive": "articles:archive",
    "authors": "authors:list",
    "corrections": "articles:corrections",
    "search": "articles:search",
    "feed": "articles:feed-latest",
    "atom_feed": "articles:feed-latest-atom",
    "sitemap": "sitemap",
}


def site(request):
    return {"site_name": settings.SITE_NAME, "urls": site_urls(get_script_prefix())}


@cache
def site_urls(script_prefix):
    """The links every page shows, worked out once per process (and prefix the site is served
    under) rather than a dozen ``{% url %}`` lookups on every page."""
    return {name: reverse(view) for name, view in SITE_URLS.items()}
