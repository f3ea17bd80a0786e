"""Cursor pagination by keyset: a page ends at a row, and the next page starts after that row's
values in the list's order (a time, then the id), so rows published or edited meanwhile never
shift a page or repeat one, and a deep page costs what the first one does. The cursor is opaque
to clients: those values, in URL-safe base64."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from ninja.errors import HttpError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Ordering:
    """An order of unique rows: ``fields`` as (name, kind) with kind "datetime", "int" or "str",
    the last one unique (the id); all ascending or all descending."""

    def __init__(self, *fields, descending):
        self.fields = fields
        self.descending = descending

    def order_by(self):
        return [f"-{name}" if self.descending else name for name, _ in self.fields]

    def after(self, values):
        """The rows after ``values`` in this order, as a Q object."""
        lookup = "lt" if self.descending else "gt"
        condition = Q()
        for position, (name, _) in enumerate(self.fields):
            equal = {field: value for (field, _), value in zip(self.fields[:position], values, strict=False)}
            condition |= Q(**equal, **{f"{name}__{lookup}": values[position]})
        return condition

    def encode(self, row):
        values = [getattr(row, name) for name, _ in self.fields]
        values = [value.isoformat() if isinstance(value, datetime) else value for value in values]
        return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")

    def decode(self, cursor):
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError
            decoded = [self._parse(value, kind) for value, (_, kind) in zip(values, self.fields, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise HttpError(400, "Invalid cursor: use the next link of a page as it is.") from None
        return decoded

    @staticmethod
    def _parse(value, kind):
        if kind == "datetime":
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                raise ValueError
            return parsed
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "str" and isinstance(value, str):
            return value
        raise ValueError


def paginate(request, queryset, ordering, *, params, cursor=None, limit=DEFAULT_LIMIT):
    """(rows of the page, the next page's URL or None). The next page's URL carries only the
    query parameters in ``params``: the page cache shares a page between requests that differ
    in others (tracking parameters), and one client's must not show in another's link."""
    limit = max(1, min(limit, MAX_LIMIT))
    queryset = queryset.order_by(*ordering.order_by())
    if cursor:
        queryset = queryset.filter(ordering.after(ordering.decode(cursor)))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    query = QueryDict(mutable=True)
    for name in params:
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    query["cursor"] = ordering.encode(rows[-1])
    return rows, request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
