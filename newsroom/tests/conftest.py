"""Fixtures for tests that run the site in other processes, against databases of their own."""

import subprocess
import sys

import pytest

from articles.tests.conftest import login  # noqa: F401
from newsroom.settings.base import BASE_DIR

from .servers import base_environment, scratch_databases


@pytest.fixture
def scratch_database(tmp_path):
    """Make empty databases of the run's engine for other processes: a new PostgreSQL database
    beside the one in DATABASE_URL, or a SQLite file. Returns a function giving a new
    DATABASE_URL per call; every database is dropped afterwards."""
    with scratch_databases(tmp_path) as make:
        yield make


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Production static files (the manifest storage needs collectstatic, which compresses every
    file and takes a while on a busy machine), made once per test process."""
    root = tmp_path_factory.mktemp("static")
    environment = {**base_environment(), "STATIC_ROOT": str(root), "SECRET_KEY": "x", "ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    # Brotli at its slowest quality for every file: tens of seconds on a busy machine.
    subprocess.run(command, cwd=BASE_DIR, env=environment, check=True, capture_output=True, timeout=300)
    return root
