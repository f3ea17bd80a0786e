"""The product's URLs plus ``/__floor__/``, for ``bench/pages.sh`` only.

The floor view returns the bytes of a saved article page (the file named by ``BENCH_FLOOR_FILE``,
read once at import) with no database query and no template, through the same middleware and
the same gunicorn workers as the real pages: what a page costs when the framework is all that
runs. The product's own URLconf never contains it.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as product_urlpatterns

try:
    FLOOR_BYTES = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
except (KeyError, OSError) as error:
    raise ImproperlyConfigured(f"BENCH_FLOOR_FILE must name a saved page: {error}") from None


def floor(request):
    return HttpResponse(FLOOR_BYTES, content_type="text/html; charset=utf-8")


urlpatterns = [path("__floor__/", floor), *product_urlpatterns]
