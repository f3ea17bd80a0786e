"""What breaking-news changes make stale in the page cache."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaking.invalidation import next_due

from .factories import make_ticker_item

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


def test_the_next_instant_is_the_earliest_ticker_item_start_or_end():
    with time_machine.travel(NOW, tick=False):
        assert next_due() is None
        make_ticker_item(
            text="Polls close", starts_at=NOW - timedelta(minutes=1), expires_at=NOW + timedelta(minutes=90)
        )
        assert next_due() == (NOW + timedelta(minutes=90)).timestamp()
        make_ticker_item(text="Results", starts_at=NOW + timedelta(minutes=30))
        assert next_due() == (NOW + timedelta(minutes=30)).timestamp()


def test_the_next_instant_is_read_from_indexes():
    """Each query starts an index at now (SQLite: SEARCH, PostgreSQL: an Index Cond)."""
    with CaptureQueriesContext(connection) as queries:
        next_due()
    assert len(queries) == 2
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + query["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert ("SEARCH" if connection.vendor == "sqlite" else "Index Cond") in plan, (query["sql"], plan)
