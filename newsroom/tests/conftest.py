"""Fixtures for tests that run the site in other processes, against databases of their own."""

import os
import subprocess
import sys
import uuid

import pytest

from newsroom.settings.base import BASE_DIR

from .servers import base_environment, connect


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture
def scratch_database(tmp_path):
    """Make empty databases of the run's engine for other processes: a new PostgreSQL database
    beside the one in DATABASE_URL, or a SQLite file. Returns a function giving a new
    DATABASE_URL per call; every database is dropped afterwards."""
    made = []
    base = _postgres_url()

    def make():
        name = f"newsroom_scratch_{uuid.uuid4().hex[:12]}"
        if base is None:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        with connect(base) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return base.rsplit("/", 1)[0] + f"/{name}"

    yield make
    if made:
        with connect(base) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production static files (the manifest storage needs collectstatic), made once."""
    root = tmp_path_factory.mktemp("static")
    environment = {**base_environment(), "STATIC_ROOT": str(root), "SECRET_KEY": "x", "ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    # Brotli at its slowest quality for every file: tens of seconds on a busy machine.
    subprocess.run(command, cwd=BASE_DIR, env=environment, check=True, capture_output=True, timeout=180)
    return root
