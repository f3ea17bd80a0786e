from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify


def unique_slug(instance, text, *, field="slug", fallback="item"):
    """A slug for ``text`` that no other row of ``instance``'s model uses: ``name``, then
    ``name-2``, ``name-3``… Cut to the field's length so a suffix always fits."""
    max_length = instance._meta.get_field(field).max_length
    base = slugify(text)[: max_length - 8].strip("-") or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk) if instance.pk else None
    others = others if others is not None else type(instance)._default_manager.all()
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def slug_url(viewname, slug):
    """``reverse(viewname, kwargs={"slug": slug})``, remembered: an article page links to a score
    of other stories (the ticker, more top reads, its neighbours), and each ``reverse()`` costs
    the URL resolver about as much as a small query."""
    return _slug_url(get_script_prefix(), viewname, slug)


@lru_cache(maxsize=4096)
def _slug_url(script_prefix, viewname, slug):
    return reverse(viewname, kwargs={"slug": slug})


@receiver(setting_changed)
def _forget_slug_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _slug_url.cache_clear()
