"""The test suite: development settings with fast password hashing and no real e-mail."""

import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app folders, as runserver does, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Page caching is tested on its own (newsroom/tests/test_cache.py); elsewhere every request renders.
PAGE_CACHE_SECONDS = 0

# Parallel test workers share one Redis: give each its own keys.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405

# A SQLite test database is a file, as in production, not Django's shared in-memory one: that
# one locks whole tables and ignores busy_timeout, so concurrent writers fail instead of queueing
# (articles/tests/test_concurrency.py). One file per process; Django deletes it afterwards.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"newsroom-test-{os.getpid()}.sqlite3")
    }
