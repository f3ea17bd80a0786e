"""Production settings plus the bench URLconf (``bench/floor_urls.py``), for ``bench/pages.sh`` only."""

from newsroom.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
