from dataclasses import dataclass
from datetime import date, datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from newsroom.prepared import PreparedList

from . import listing
from .models import Article
from .search import headline_matches


class DateInput(forms.DateInput):
    """An ``<input type="date">``, whose value HTML allows to be an ISO date or nothing: what a
    reader typed that is not a date is not echoed back (browsers would drop it anyway); the
    field's error says what was wrong."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        value = super().format_value(value)
        try:
            datetime.strptime(value, self.format)
        except (TypeError, ValueError):
            return None
        return value


class PublicSlugField(forms.Field):
    """A choice of one of the objects readers may see now, by its slug, found by ``lookup(slug,
    at)`` (a prepared query of articles/listing.py): one indexed query, with none of the
    queryset a ``ModelChoiceField`` builds for each form. The options are written by the
    archive view, from the same definition of public."""

    default_error_messages = {
        "invalid_choice": "Select a valid choice. That choice is not one of the available choices.",
    }

    def __init__(self, *, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        # No slug is longer (articles.Section, authors.Author): a longer value is looked up not at all.
        found = len(value) <= 200 and self.lookup(slug=value, at=timezone.now())
        if not found:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]


class PublicSlugFilter(django_filters.Filter):
    field_class = PublicSlugField


class ArchiveFilter(django_filters.FilterSet):
    """The archive's filters. Choices come from the database, never from the request, so no
    user-supplied field name reaches the ORM."""

    # Words in the headline or summary, in any form ("prices" finds "price"), through an index.
    q = django_filters.CharFilter(label="Words", method="filter_text", max_length=200)
    # Only authors and sections with a public article: another's slug is an invalid choice,
    # whose name the page never shows (the options are the archive view's author_choices).
    author = PublicSlugFilter(label="Author", field_name="bylines__author", lookup=listing.public_author)
    section = PublicSlugFilter(label="Section", lookup=listing.public_section)
    published_after = django_filters.DateFilter(
        label="Published from", field_name="published_at__date", lookup_expr="gte", widget=DateInput
    )
    published_before = django_filters.DateFilter(
        label="Published until", field_name="published_at__date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Article
        fields = ["q", "author", "section", "published_after", "published_before"]

    def get_form_class(self):
        """The form class, made once per filter set class: its fields hold no queryset (and no
        time), so every request can share it."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            cls._form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._form_class

    def prepared_list(self, at):
        """The filtered articles as a prepared list, for the filters most asked for (an author,
        a section or none); None for the others, which stay querysets (``qs``)."""
        data = self.form.cleaned_data if self.is_bound else {}
        used = {name for name, value in data.items() if value not in (None, "")}
        if not used:
            return PreparedList(listing.latest, at=at)
        if used == {"author"}:
            return PreparedList(listing.by_author, author=data["author"].pk, at=at)
        if used == {"section"}:
            return PreparedList(listing.in_section, section=data["section"].pk, at=at)
        return None

    def filter_text(self, queryset, name, value):
        return headline_matches(queryset, value)

    def active(self):
        """The filters in force, each with the archive's query string without it (and without
        a page number). A value the form refused is not one of them: its error says why."""
        if not self.form.is_bound:
            return []
        self.form.is_valid()
        active = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            query = self.data.copy()
            for param in (name, "page"):
                query.pop(param, None)
            shown = date_format(value, "DATE_FORMAT") if isinstance(value, date) else str(value)
            active.append(ActiveFilter(field.label, shown, query.urlencode()))
        return active


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    query_without: str
