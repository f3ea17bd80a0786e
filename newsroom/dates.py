"""Dates and times for people, in the site's one format (newsroom/formats/en/formats.py)."""

from django.utils import timezone
from django.utils.formats import date_format, get_format


def when(value):
    """``value``, an aware datetime, as people read it: "29 November 2026, 03:56 UTC"."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def when_exactly(value):
    """``value`` in the same format to the second: "29 November 2026, 03:56:07 UTC", where two
    saves a few seconds apart must be told apart (revisions, drafts, crossed edits)."""
    return date_format(timezone.localtime(value), get_format("DATETIME_FORMAT").replace("H:i", "H:i:s"))
