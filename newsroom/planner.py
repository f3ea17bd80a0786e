"""Hints for SQLite's query planner, which works without statistics (Django gathers none, and
our queries are planned as the tests plan them). PostgreSQL plans from the statistics its
autovacuum keeps, and is given the plain column."""

from django.db.models import Func


class Unindexed(Func):
    """A column compared without its index: SQLite's documented unary ``+``, which leaves the
    term out of the indexes the planner considers (https://sqlite.org/optoverview.html,
    "Disqualifying WHERE clause terms using unary-+"). For a query that reads a few rows in an
    index's order, so that the planner walks that order and stops at the limit rather than
    reading a whole range through another index, then sorting it."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
