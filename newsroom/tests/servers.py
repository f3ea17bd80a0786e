"""gunicorn serving the site with production settings, for tests that need real app servers, and
a direct connection to their PostgreSQL database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager

import dj_database_url
import psycopg
import pytest

from newsroom.settings.base import BASE_DIR

PROD = "newsroom.settings.prod"


def base_environment():
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": PROD,
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def production_environment(*, database_url, static_root, media_root, **settings):
    """What an app server on loopback runs with: production settings over plain HTTP."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-servers-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def connect(database_url):
    """An autocommit psycopg connection to the PostgreSQL database at ``database_url``."""
    config = dj_database_url.parse(database_url)
    return psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@contextmanager
def scratch_databases(folder):
    """A function making empty databases of the run's engine for other processes: a new
    PostgreSQL database beside the one in DATABASE_URL, or a SQLite file in ``folder``. Each
    call gives a new DATABASE_URL; every database is dropped at the end."""
    made = []
    base = _postgres_url()

    def make():
        name = f"newsroom_scratch_{uuid.uuid4().hex[:12]}"
        if base is None:
            return f"sqlite:///{folder / name}.sqlite3"
        with connect(base) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return base.rsplit("/", 1)[0] + f"/{name}"

    try:
        yield make
    finally:
        if made:
            with connect(base) as admin:
                for name in made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path="/"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.read().decode()


def start_server(stack, environment, log, workers=2, port=None):
    port = port or free_port()
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}"]
    output = stack.enter_context(open(log, "w"))  # noqa: SIM115 (the stack closes it)
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=BASE_DIR,
        env={**base_environment(), **environment},
        stdout=output,
        stderr=output,
    )
    stack.callback(_stop, server)
    return server, port


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_until_healthy(server, port, log):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if '"ok"' in get(port, "/healthz"):
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"gunicorn on port {port} never became healthy:\n{log.read_text()}")
