from dataclasses import dataclass
from datetime import date, datetime

import django_filters
from django import forms
from django.utils.formats import date_format

from authors.models import Author

from .models import Article, Section
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


class ArchiveFilter(django_filters.FilterSet):
    """The archive's filters. Choices come from the database, never from the request, so no
    user-supplied field name reaches the ORM."""

    # Words in the headline or summary, in any form ("prices" finds "price"), through an index.
    q = django_filters.CharFilter(label="Words", method="filter_text", max_length=200)
    author = django_filters.ModelChoiceFilter(
        label="Author",
        field_name="bylines__author",
        # Only authors and sections with a public article: another's slug is an invalid choice,
        # whose name the page never shows (the options are the archive view's author_choices).
        queryset=lambda request: Author.objects.published(),
        to_field_name="slug",
        empty_label="Any author",
    )
    section = django_filters.ModelChoiceFilter(
        label="Section",
        queryset=lambda request: Section.objects.published(),
        to_field_name="slug",
        empty_label="Any section",
    )
    published_after = django_filters.DateFilter(
        label="Published from", field_name="published_at__date", lookup_expr="gte", widget=DateInput
    )
    published_before = django_filters.DateFilter(
        label="Published until", field_name="published_at__date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Article
        fields = ["q", "author", "section", "published_after", "published_before"]

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
