"""Admin defaults shared by every app."""

from django.db import models

# A web address typed without a scheme means https, as browsers assume (and Django 6 will).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """``ModelForm.Meta.formfield_callback`` for forms defined outside a ModelAdmin."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)
