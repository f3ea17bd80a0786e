"""Admin defaults shared by every app."""

from django.db import models
from django.db.models.constants import LOOKUP_SEP

# A web address typed without a scheme means https, as browsers assume (and Django 6 will).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """``ModelForm.Meta.formfield_callback`` for forms defined outside a ModelAdmin."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OfferedLookupsOnly:
    """A ModelAdmin mixin: the changelist filters only on what its page offers (``list_filter``
    and ``date_hierarchy``). Django on its own also accepts any field of the model from the query
    string (``?body__contains=``); an allowlist keeps field names out of the URL."""

    def lookup_allowed(self, lookup, value, request):
        offered = {self.date_hierarchy}
        for item in self.get_list_filter(request):
            if isinstance(item, (list, tuple)):
                offered.add(item[0])
            elif isinstance(item, str):
                offered.add(item)
            else:
                offered.add(item.parameter_name)
        if lookup.split(LOOKUP_SEP)[0] not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)
