"""Django's PostgreSQL backend, with the pages' own statements prepared on the server.

Planning is most of what PostgreSQL spends on a page's queries: parsing, analysing and planning
a statement took 0.1 to 1.4 ms against 0.01 to 1.7 ms of running it (README, "Page speed"). The
queries of newsroom/prepared.py have a fixed SQL text whatever the request, so each connection
prepares each of them once and then only executes it: psycopg names it on the server the first
time (``prepare=True``), and PostgreSQL plans it for the values given, then, after five
executions, keeps a generic plan if that is no costlier.

Only those statements, and not those marked ``@prepared(on_server=False)``: each was checked to
run as fast under a generic plan as under a plan for its values (README, "Page speed" and
"Scale"; the articles by an author were not, at 100,000 articles). Preparing every statement a
connection repeats, as psycopg's ``prepare_threshold`` does, also prepared the archive's count
by author, whose generic plan read every public article. Other queries are sent as Django sends
them, with their values bound apart from the SQL.

Preparing needs the values bound apart from the SQL (Django's ``server_side_binding`` option),
so with it every query is sent that way. ``DATABASE_PREPARED_STATEMENTS=off`` (the settings)
turns both off behind a connection pooler that cannot keep prepared statements (pgbouncer in
transaction mode before 1.21, or without ``max_prepared_statements``): queries then go out
exactly as with Django's own backend.
"""

import sys

from django.db.backends.postgresql import base

from newsroom.prepared import prepared_statements


class PreparingCursor(base.ServerBindingCursor):
    """A cursor that has the server prepare the statements of ``@prepared`` queries."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and query in prepared_statements:
            prepare = True
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.features.uses_server_side_binding:
            params["cursor_factory"] = PreparingCursor
            # Nothing is prepared by how often it runs, only by ``PreparingCursor``.
            params["prepare_threshold"] = sys.maxsize
        return params
