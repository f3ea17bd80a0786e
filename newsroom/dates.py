"""Dates and times for people, in the site's one format (newsroom/formats/en/formats.py)."""

from django.utils import timezone
from django.utils.formats import date_format


def when(value):
    """``value``, an aware datetime, as people read it: "29 November 2026, 03:56 UTC"."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")
