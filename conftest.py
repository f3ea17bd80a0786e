"""Fixtures shared by every app's tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent


@pytest.fixture
def run_django():
    """Run a manage.py command or a Python snippet in a fresh process with exactly the given
    environment, as a deployment would start it. Returns the CompletedProcess."""

    def run(*args, env=None, code=None, settings="newsroom.settings.dev", timeout=60):
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
        return subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=timeout)

    return run
