"""Fixtures shared by every app's tests."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache, caches

from newsroom import cache as pages
from newsroom import fragments

BASE_DIR = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (only this worker's keys, on a shared Redis), and no
    page or fragment kept in this process's memory."""
    pages.forget()
    fragments.local_fragments.forget()
    yield
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


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


@pytest.fixture
def media_root(settings, tmp_path):
    """A media folder of the test's own for tests that upload images."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_cache(settings):
    """The configured cache (this process's memory, or Redis when REDIS_URL is set) under a key
    prefix of the test's own: pages, generations and rendition markers left by other tests, or
    by another test process sharing the Redis server, are never seen. Emptied afterwards."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for alias, config in settings.CACHES.items()
    }
    cache = caches["default"]
    yield cache
    if hasattr(cache, "delete_pattern"):  # Redis: this test's keys only
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def page_cache(settings, fresh_cache):
    """The page cache switched on, as in production (the test settings switch it off)."""
    settings.PAGE_CACHE_SECONDS = 300
    return fresh_cache


@pytest.fixture
def renders(monkeypatch):
    """The paths whose pages were rendered rather than served from the page cache, as they happen."""
    paths = []
    render = pages._render

    def watched(view, request, *args, **kwargs):
        paths.append(request.get_full_path())
        return render(view, request, *args, **kwargs)

    monkeypatch.setattr(pages, "_render", watched)
    return paths
