"""Parts of pages rendered once for what they show, and kept in the cache under a key made of
exactly that: the templates' text, the time zone dates are shown in and every value the part
shows. A change to any of them is a new key, so an edit shows at once and nothing is purged;
an entry no page asks for again falls out of the cache.

Only for parts whose every shown value the caller has already loaded: the key is no cheaper to
make than what it shows.

A key names its HTML for good, so each process also keeps the fragments it used last in its own
memory (``LOCAL_BYTES``), in front of the shared cache: a page whose parts are all there makes no
round trip to Redis for them."""

import hashlib
from functools import cache as once

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .cache import Recent

# Long enough for a part read at all to be rendered rarely, short enough that the shared cache
# holds only the parts read lately (an article's story is about the size of its page).
FRAGMENT_SECONDS = 3600
# This process's own copy of the fragments it used last, at most this many characters.
LOCAL_BYTES = 8 * 1024 * 1024


local_fragments = Recent(lambda: LOCAL_BYTES, share=16)


def render_fragments(templates, parts):
    """The HTML of template ``templates[0]`` for each ``(context, shown)`` of ``parts``, in one
    cache round trip; ``shown`` is everything the context makes it show, and ``templates``
    names the templates it includes too."""
    keys = [fragment_key(templates, shown) for _, shown in parts]
    found = local_fragments.get_many(keys)
    if missing := [key for key in keys if key not in found]:
        shared = cache.get_many(missing)
        for key, html in shared.items():
            local_fragments.put(key, html)
        found |= shared
    rendered = {}
    fragments = []
    for key, (context, _) in zip(keys, parts, strict=True):
        html = found.get(key, rendered.get(key))
        if html is None:
            html = rendered[key] = render_to_string(templates[0], context)
        fragments.append(mark_safe(html))
    if rendered:
        cache.set_many(rendered, FRAGMENT_SECONDS)
        for key, html in rendered.items():
            local_fragments.put(key, html)
    return fragments


def render_fragment(templates, context, shown):
    return render_fragments(templates, [(context, shown)])[0]


def fragment_key(templates, shown):
    shown = (_templates_digest(tuple(templates)), timezone.get_current_timezone_name(), shown)
    return f"fragment:{hashlib.sha256(repr(shown).encode()).hexdigest()}"


@once
def _templates_digest(templates):
    """The templates' text: a deploy that changes them does not serve what the old ones made."""
    sources = (get_template(name).template.source for name in templates)
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()
