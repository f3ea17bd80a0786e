"""Admin defaults shared by every app."""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst

from .dates import when
from .media import signed_url


class SplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time inputs, each named after its field and its part ("Start time
    (date)"): the words shown before them ("Date:", "Time:") are not labels of theirs."""

    widget = AdminSplitDateTime

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for widget, part in zip(self.widget.widgets, ["date", "time"], strict=True):
            widget.attrs["aria-label"] = f"{capfirst(self.label)} ({part})" if self.label else capfirst(part)


@dataclass(frozen=True)
class SignedFile:
    name: str
    url: str

    def __str__(self):
        return self.name


class SignedImageInput(AdminFileWidget):
    """The admin's image input, its link to the stored image signed (``signed_url``): an image
    is served to readers only while what shows it is public (newsroom/media.py), and editors see
    a draft's image, or the photo of an author with no public article, all the same."""

    def format_value(self, value):
        if self.is_initial(value):
            return SignedFile(value.name, signed_url(value.url, value.name))
        return super().format_value(value)


class SignedImagesWhenViewOnly:
    """A ModelAdmin mixin: a user who may only view an object sees its images through signed
    links too. Django shows a read-only image field as a link to its plain address, which serves
    an image only while what shows it is public; each image field ``<name>`` is shown instead by
    the admin's ``<name>_signed`` (``signed_image_link``)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        images = {field.name for field in self.model._meta.fields if isinstance(field, models.ImageField)}
        return [
            (title, {**options, "fields": [f"{name}_signed" if name in images else name for name in options["fields"]]})
            for title, options in fieldsets
        ]


def signed_image_link(name):
    """The display of the image field ``name`` for ``SignedImagesWhenViewOnly``."""

    @admin.display(description=name)
    def link(model_admin, obj):
        image = getattr(obj, name)
        if not image:
            return "—"
        return format_html('<a href="{}">{}</a>', signed_url(image.url, image.name), image.name)

    return link


FORMFIELD_OVERRIDES = {
    models.ImageField: {"widget": SignedImageInput},
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


class ChoicesForTheirFormOnly:
    """A ModelAdmin mixin for models other forms choose by autocomplete: the autocomplete answers
    only those who may fill in the form asking (add or change its model). Django on its own asks
    only whether they may view this model, so a role kept from a form (a reporter, from the front
    page's) could still list its choices through the form's address."""

    def get_search_results(self, request, queryset, search_term):
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            app_label, model_name = request.GET.get("app_label"), request.GET.get("model_name")
            may = [request.user.has_perm(f"{app_label}.{action}_{model_name}") for action in ("add", "change")]
            if not any(may):
                raise PermissionDenied
        return super().get_search_results(request, queryset, search_term)


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


class ShowForForm(forms.ModelForm):
    """A model form with "Show for": how long the object shows, counted from its ``starts_at``,
    which sets its ``expires_at`` (on a new object and on an existing one; an expiry typed in
    wins). An existing object shows its lifetime, or its exact expiry when that is none of the
    lengths offered. Subclasses name the lengths (``HOURS``), the default and what no end means."""

    HOURS = [1, 3, 6, 24]
    DEFAULT = "3"
    NO_END = "Never"
    NO_END_VALUE, CUSTOM = "", "custom"
    lasts = forms.ChoiceField(label="Show for", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.NO_END_VALUE, self.NO_END)]
        choices += [(str(hours), f"{hours} hour{pluralize(hours)}") for hours in self.HOURS]
        lasts = self._lasts(self.instance) if self.instance.pk else self.DEFAULT
        if lasts == self.CUSTOM:
            choices.append((self.CUSTOM, f"Until {when(self.instance.expires_at)}"))
        self.fields["lasts"].choices = choices
        self.fields["lasts"].initial = lasts

    def _lasts(self, shown):
        """The choice that shows how long ``shown`` is set to show."""
        if shown.expires_at is None:
            return self.NO_END_VALUE
        lifetimes = {timedelta(hours=hours): str(hours) for hours in self.HOURS}
        return lifetimes.get(shown.expires_at - shown.starts_at, self.CUSTOM)

    def clean(self):
        cleaned_data = super().clean()
        if "lasts" not in cleaned_data or "expires_at" in self.changed_data:
            return cleaned_data
        lasts = cleaned_data["lasts"]
        if lasts == self.CUSTOM or not self.may_last(cleaned_data, lasts):
            return cleaned_data  # the exact expiry it has, or an error beside the field
        start = cleaned_data.get("starts_at") or timezone.now()
        cleaned_data["expires_at"] = start + timedelta(hours=int(lasts)) if lasts else None
        return cleaned_data

    def may_last(self, cleaned_data, lasts):
        """Whether ``lasts`` may be chosen with the rest of ``cleaned_data`` (add the error if not)."""
        return True
