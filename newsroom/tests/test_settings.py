import json
import os

import pytest
from django.db import connection

from newsroom.settings.base import BASE_DIR

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "options": db.get("OPTIONS", {}),
    "health_checks": db.get("CONN_HEALTH_CHECKS"),
    "max_age": db.get("CONN_MAX_AGE"),
    "server_side_cursors": not db.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "cache": settings.CACHES["default"]["BACKEND"],
    "time_zone": settings.TIME_ZONE,
    "media_root": str(settings.MEDIA_ROOT),
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""

PROD_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example.com",
}


@pytest.mark.django_db
def test_database_matches_the_run():
    """CI runs the suite once per database; this proves which one each run really used."""
    expected = os.environ.get("NEWSROOM_EXPECT_DATABASE")
    if expected is None:
        url = os.environ.get("DATABASE_URL", "sqlite")
        expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if expected == "postgresql" else "SELECT sqlite_version()")
        assert cursor.fetchone()[0]


def test_development_needs_no_environment(run_django):
    result = run_django(code=SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["debug"] is True
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(BASE_DIR / "db.sqlite3")
    assert shown["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in shown["options"]["init_command"]
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["time_zone"] == "UTC"
    assert shown["media_root"] == str(BASE_DIR / "media")


def test_settings_come_from_the_environment(run_django, tmp_path):
    result = run_django(
        code=SHOW_SETTINGS,
        env={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsroom",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "TIME_ZONE": "Europe/Prague",
            "MEDIA_ROOT": str(tmp_path),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "a.example, b.example",
        },
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["debug"] is False
    assert shown["engine"] == "newsroom.postgresql"
    assert shown["options"]["server_side_binding"] is True  # so that the pages' statements are prepared
    assert shown["name"] == "newsroom"
    assert shown["health_checks"] is True
    assert shown["max_age"] > 0
    assert shown["server_side_cursors"] is True
    assert shown["cache"] == "django_redis.cache.RedisCache"
    assert shown["time_zone"] == "Europe/Prague"
    assert shown["media_root"] == str(tmp_path)
    assert shown["allowed_hosts"] == ["a.example", "b.example"]


def test_pgbouncer_transaction_mode_settings_come_from_the_environment(run_django):
    environment = {
        "DATABASE_URL": "postgres://postgres@pgbouncer:6432/newsroom",
        "CONN_MAX_AGE": "0",
        "DISABLE_SERVER_SIDE_CURSORS": "1",
        "DATABASE_PREPARED_STATEMENTS": "off",
    }
    result = run_django(code=SHOW_SETTINGS, env=environment)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["max_age"], shown["server_side_cursors"]) == (0, False)
    assert shown["options"]["server_side_binding"] is False


def test_sqlite_file_runs_in_wal_mode_and_keeps_its_connection(run_django, tmp_path):
    code = "import django; django.setup()\nfrom django.db import connection\n"
    code += "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
    code += "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = run_django(code=code, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "60"]


def test_unreachable_redis_degrades_to_cache_misses(run_django):
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "cache.set('k', 'v'); print(repr(cache.get('k')))"
    )
    result = run_django(code=code, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_bad_boolean_is_a_clear_error(run_django):
    result = run_django("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(run_django, missing):
    env = {key: value for key, value in PROD_ENV.items() if key != missing}
    result = run_django("check", env=env, settings="newsroom.settings.prod")
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_production_passes_the_deploy_check(run_django):
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_logs_one_json_object_per_line(run_django):
    code = "import django, logging; django.setup()\nlogging.getLogger('newsroom').warning('hello %s', 'world')"
    result = run_django(code=code, env=PROD_ENV, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "newsroom"
    assert entry["message"] == "hello world"


SHOW_EDGE_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps([settings.EDGE_PURGE_BACKENDS, settings.EDGE_CACHE_SECONDS, settings.EDGE_INCLUDES]))
"""


def test_edge_caches_come_from_the_environment(run_django):
    env = {
        **PROD_ENV,
        "VARNISH_PURGE_URLS": "http://10.0.0.5:6081, http://10.0.0.6:6081",
        "FASTLY_SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY",
        "FASTLY_API_TOKEN": "fastly-token",
        "FASTLY_SOFT_PURGE": "1",
        "CLOUDFLARE_ZONE_ID": "023e105f4ecef8ad9ca31a8372d0c353",
        "CLOUDFLARE_API_TOKEN": "cf-token",
        "EDGE_PURGE_TIMEOUT": "1.5",
        "EDGE_CACHE_SECONDS": "86400",
        "EDGE_INCLUDES": "1",
    }
    result = run_django(code=SHOW_EDGE_SETTINGS, env=env, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stderr
    backends, seconds, includes = json.loads(result.stdout)
    assert backends == [
        {
            "BACKEND": "newsroom.edge.backends.VarnishBackend",
            "SERVERS": ["http://10.0.0.5:6081", "http://10.0.0.6:6081"],
            "TIMEOUT": 1.5,
        },
        {
            "BACKEND": "newsroom.edge.backends.FastlyBackend",
            "SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY",
            "API_TOKEN": "fastly-token",
            "SOFT_PURGE": True,
            "TIMEOUT": 1.5,
        },
        {
            "BACKEND": "newsroom.edge.backends.CloudflareBackend",
            "ZONE_ID": "023e105f4ecef8ad9ca31a8372d0c353",
            "API_TOKEN": "cf-token",
            "TIMEOUT": 1.5,
        },
    ]
    assert (seconds, includes) == (86400, True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FASTLY_SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY"}, "FASTLY_API_TOKEN is not set"),
        ({"CLOUDFLARE_API_TOKEN": "cf-token"}, "CLOUDFLARE_ZONE_ID is not set"),
        ({"VARNISH_PURGE_URLS": "10.0.0.5:6081"}, "'10.0.0.5:6081' is not an http:// or https:// URL"),
    ],
)
def test_production_refuses_to_start_with_an_edge_cache_half_configured(run_django, env, message):
    result = run_django("check", env={**PROD_ENV, **env}, settings="newsroom.settings.prod")
    assert result.returncode != 0
    assert message in result.stderr
