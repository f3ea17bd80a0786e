"""The product's URLs plus ``/__floor__/``, for ``bench/pages.sh`` and ``bench/api.py`` only.

The floor view returns the bytes of a saved article page (the file named by ``BENCH_FLOOR_FILE``,
read once at import) with no database query and no template, through the same middleware and
the same gunicorn workers as the real pages: what a page costs when the framework is all that
runs. The product's own URLconf never contains it. For the API, each file in the folder named by
``BENCH_FLOOR_JSON_DIR`` is served the same way as JSON at ``/__floor__/<file name>``.
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


JSON_FLOORS = {
    file.name: file.read_bytes()
    for file in (Path(os.environ["BENCH_FLOOR_JSON_DIR"]).iterdir() if "BENCH_FLOOR_JSON_DIR" in os.environ else ())
}


def floor(request):
    return HttpResponse(FLOOR_BYTES, content_type="text/html; charset=utf-8")


def json_floor(request, name):
    return HttpResponse(JSON_FLOORS[name], content_type="application/json")


urlpatterns = [
    path("__floor__/", floor),
    *(path(f"__floor__/{name}", json_floor, {"name": name}) for name in JSON_FLOORS),
    *product_urlpatterns,
]
