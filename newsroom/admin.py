"""Admin defaults shared by every app."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest
from django.utils.text import capfirst


class SplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time inputs, each named after its field and its part ("Start time
    (date)"): the words shown before them ("Date:", "Time:") are not labels of theirs."""

    widget = AdminSplitDateTime

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for widget, part in zip(self.widget.widgets, ["date", "time"], strict=True):
            widget.attrs["aria-label"] = f"{capfirst(self.label)} ({part})" if self.label else capfirst(part)


FORMFIELD_OVERRIDES = {
    # A web address typed without a scheme means https, as browsers assume (and Django 6 will).
    models.URLField: {"assume_scheme": "https"},
    models.DateTimeField: {"form_class": SplitDateTimeField},
}


def https_formfield(db_field, **kwargs):
    """``ModelForm.Meta.formfield_callback`` for forms defined outside a ModelAdmin."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class NamedRowsFormSet(forms.BaseInlineFormSet):
    """For a TabularInline: its rows have no labels, only the column headings, so each input is
    named after its column ("Role", "Delete"), as a label would name it."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # The input itself, not the admin's wrapper that adds the related-object links.
            widget = getattr(field.widget, "widget", field.widget)
            if field.label and not widget.is_hidden and not isinstance(widget, forms.MultiWidget):
                widget.attrs.setdefault("aria-label", capfirst(field.label))


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


class RefuseNulBytesMiddleware:
    """A NUL byte anywhere in an admin request's parameters (names or values, query string or
    form) is refused with a 400. PostgreSQL stores no NUL in text, and the admin passes many
    parameters to queries as they come (the autocomplete's term, list filters' values, search):
    each would otherwise be a 500. Forms refuse NULs in their own fields already; this covers
    every parameter, those of views to come included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if "admin" in request.resolver_match.namespaces and self._has_nul(request):
            return HttpResponseBadRequest("A parameter holds a NUL byte.", content_type="text/plain")
        return None

    @staticmethod
    def _has_nul(request):
        parameters = [request.GET] + ([request.POST] if request.method == "POST" else [])
        return (
            any(
                "\x00" in name or any("\x00" in value for value in values)
                for parameter in parameters
                for name, values in parameter.lists()
            )
            or "\x00" in request.path_info
        )
