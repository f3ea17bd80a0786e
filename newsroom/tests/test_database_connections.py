"""Database connections on PostgreSQL, in a real gunicorn worker: it keeps its connection from
one request to the next (CONN_MAX_AGE), and when the server drops it (a restart, a failover, an
idle timeout) the next request notices and connects again (CONN_HEALTH_CHECKS) instead of
failing, with no restart of the app. SQLite opens a file, so there is no connection to keep or
lose; bench/proof.py also stops and restarts a whole PostgreSQL server under load."""

import os
from contextlib import ExitStack

import pytest

from .servers import PROD, connect, get, production_environment, start_server, wait_until_healthy

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL connections only"
)


@pytest.fixture
def server(scratch_database, static_root, run_django, tmp_path):
    """One gunicorn worker over a database of its own, and a way to see its connections."""
    database_url = scratch_database()
    environment = production_environment(
        database_url=database_url,
        static_root=static_root,
        media_root=tmp_path / "media",
        PAGE_CACHE_SECONDS="0",  # every request goes to the database
    )
    migrated = run_django("migrate", "--noinput", env=environment, settings=PROD)
    assert migrated.returncode == 0, migrated.stderr
    with ExitStack() as stack:
        process, port = start_server(stack, environment, tmp_path / "gunicorn.log", workers=1)
        wait_until_healthy(process, port, tmp_path / "gunicorn.log")
        observer = stack.enter_context(connect(database_url))
        yield port, observer


def app_connections(observer):
    """The backends serving the app's database, apart from the observer's own."""
    rows = observer.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return sorted(pid for (pid,) in rows)


def test_a_worker_keeps_its_connection_between_requests(server):
    port, observer = server
    get(port, "/")
    kept = app_connections(observer)
    assert len(kept) == 1
    for path in ["/", "/archive/", "/authors/", "/"]:
        get(port, path)
        assert app_connections(observer) == kept


def test_a_dropped_connection_is_replaced_by_the_next_request(server):
    port, observer = server
    get(port, "/")
    [dropped] = app_connections(observer)
    observer.execute("SELECT pg_terminate_backend(%s)", [dropped])  # what a server restart does to it

    assert "The newsroom has no articles yet." in get(port, "/")
    [replacement] = app_connections(observer)
    assert replacement != dropped
