"""Stateless app servers: two gunicorn servers over one database and one Redis serve the same,
fresh pages. An edit made anywhere (here, from a shell, as the admin would save it) reaches
both servers' page caches at once, or within PAGE_CACHE_RECHECK_SECONDS.

The SQLite run shares a database file between the servers and uses the Redis on loopback,
database 11, so the test runs in both CI runs; the PostgreSQL run uses a scratch database and
the run's Redis. Each test has a Redis key prefix of its own and deletes its keys afterwards."""

import os
import time
import uuid
from contextlib import ExitStack

import pytest
import redis

from .servers import PROD, get, production_environment, start_server, wait_until_healthy

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"
# Past the recheck interval, the time a request takes to arrive.
SLACK = 0.2

PUBLISH = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
Article.objects.create(headline="{headline}", status="published", published_at=timezone.now() - timedelta(minutes=1))
"""

EDIT = """
from articles.models import Article
article = Article.objects.get()
article.headline = "{headline}"
article.save()
"""


@pytest.fixture
def site(scratch_database, static_root, tmp_path, run_django, request):
    """The production environment both servers and the shell share, on a migrated database."""
    prefix = f"two-servers-{uuid.uuid4().hex}"
    recheck, shared_cache = request.param
    environment = production_environment(
        database_url=scratch_database(),
        static_root=static_root,
        media_root=tmp_path / "media",
        CACHE_KEY_PREFIX=prefix,
        PAGE_CACHE_SECONDS="300",
        PAGE_CACHE_RECHECK_SECONDS=str(recheck),
        **({"REDIS_URL": REDIS_URL} if shared_cache else {}),
    )
    migrated = run_django("migrate", "--noinput", env=environment, settings=PROD)
    assert migrated.returncode == 0, migrated.stderr
    yield environment
    keys = redis.Redis.from_url(REDIS_URL)
    for key in keys.scan_iter(f"{prefix}:*"):
        keys.delete(key)
    keys.close()


def _fresh_everywhere(ports, changed_at, within, shown, gone=None):
    """From ``within`` seconds after ``changed_at`` on, every request to every server (and so,
    with a few requests, to each of its workers) shows ``shown`` and not ``gone``."""
    time.sleep(max(0.0, changed_at + within - time.monotonic()))
    for port in ports:
        for _ in range(4):
            page = get(port)
            assert shown in page
            assert gone is None or gone not in page


@pytest.mark.parametrize(
    "site",
    [(0, True), (1, True), (1, False)],
    indirect=True,
    ids=["recheck-always", "recheck-every-second", "no-redis-recheck-every-second"],
)
def test_a_change_made_anywhere_is_fresh_on_both_servers(site, run_django, tmp_path):
    recheck = float(site["PAGE_CACHE_RECHECK_SECONDS"])
    within = recheck + SLACK if recheck else 0

    def shell(code):
        result = run_django("shell", "-c", code, env=site, settings=PROD)
        assert result.returncode == 0, result.stderr

    with ExitStack() as stack:
        servers = [start_server(stack, site, tmp_path / f"gunicorn-{number}.log") for number in (1, 2)]
        for number, (server, port) in enumerate(servers, start=1):
            wait_until_healthy(server, port, tmp_path / f"gunicorn-{number}.log")
        ports = [port for _, port in servers]
        for _ in range(4):  # both servers, and each of their workers, cache the empty home page
            for port in ports:
                assert "Mayor opens the new bridge" not in get(port)

        shell(PUBLISH.format(headline="Mayor opens the new bridge"))
        _fresh_everywhere(ports, time.monotonic(), within, shown="Mayor opens the new bridge")

        shell(EDIT.format(headline="Mayor reopens the old bridge"))
        _fresh_everywhere(
            ports[::-1],
            time.monotonic(),
            within,
            shown="Mayor reopens the old bridge",
            gone="Mayor opens the new bridge",
        )
