"""Uploaded images from MEDIA_ROOT, for a site with no proxy or bucket serving them (SERVE_MEDIA).

Only files with an image extension are served, each with the Content-Type of that extension
(stored names are ours: newsroom.images), a sandboxing Content Security Policy
and, from SecurityMiddleware, ``X-Content-Type-Options: nosniff``: a browser never runs or renders
a file from here as anything but an image."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.utils.http import http_date

from .images import content_type

# Stored names are random and never reused, so a copy may be kept for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def serve(request, path):
    if content_type(path) is None:
        raise Http404("Not an image.")
    try:
        file = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404("Outside the media folder.") from None
    if not file.is_file():
        raise Http404("No such file.")
    response = FileResponse(file.open("rb"), content_type=content_type(path))
    response["Last-Modified"] = http_date(file.stat().st_mtime)
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
