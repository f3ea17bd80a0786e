"""Production settings without HeadMiddleware: what gunicorn logs then, for newsroom/tests/test_http.py."""

from newsroom.settings.prod import *  # noqa: F403

MIDDLEWARE = [name for name in MIDDLEWARE if name != "newsroom.http.HeadMiddleware"]  # noqa: F405
