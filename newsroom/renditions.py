"""Responsive renditions of uploaded images: WebP at a few widths, made on first use and kept in
the same storage as the original (local files or S3). An image they cannot be made of (damaged,
gone from storage, or stored before uploads were checked as they are now) is left out of pages:
its failure is logged once and remembered, so that it is not decoded again on every view."""

import hashlib
import io
import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from .images import MAX_SIDE
from .media import signed_url

logger = logging.getLogger(__name__)

WIDTHS = (480, 800, 1200)
WEBP_QUALITY = 80
# How long an image that failed is left out before it is tried again: a broken one costs one
# attempt and one log record per hour; one that failed for a passing reason (the bucket out of
# reach) comes back on its own.
RETRY_FAILED_SECONDS = 3600


@dataclass(frozen=True)
class ResponsiveImage:
    src: str
    srcset: str
    webp_srcset: str
    width: int
    height: int


def responsive_image(field, width, height, *, signed=False):
    """Renditions of the image in ``field`` (an ImageField's file) whose size is known:
    ``src`` and ``srcset`` in the original format, ``webp_srcset`` in WebP. None when there is
    no image or its renditions cannot be made. ``signed``: every address is one that works for a
    while even if the image's article is not public (newsroom.media.signed_url), for previews."""
    if not field or not width or not height:
        return None
    failed = f"rendition-failed:{field.name}"
    if cache.get(failed):
        return None
    widths = [w for w in WIDTHS if w < width] + [width]
    try:
        webp = [rendition_url(field, w) for w in widths]
        src = field.url
    except Exception:
        if cache.add(failed, True, RETRY_FAILED_SECONDS):
            logger.exception("image left out of pages: its renditions cannot be made: %s", field.name)
        return None
    # Only the app checks the signature; a bucket's own signed addresses (AWS_QUERYSTRING_AUTH)
    # would not survive another parameter.
    signed = signed and settings.SERVE_MEDIA
    if signed:
        src = signed_url(src, field.name)
    webp = [signed_url(url, name) if signed else url for url, name in webp]
    return ResponsiveImage(
        src=src,
        srcset=f"{src} {width}w",
        webp_srcset=", ".join(f"{url} {w}w" for url, w in zip(webp, widths, strict=True)),
        width=width,
        height=height,
    )


def rendition_url(field, width):
    """(URL, stored name) of a WebP copy of ``field`` scaled to ``width`` pixels, made if missing."""
    stem = posixpath.splitext(field.name)[0]
    digest = hashlib.sha256(field.name.encode()).hexdigest()[:10]
    name = f"renditions/{stem}-{digest}-{width}.webp"
    marker = f"rendition:{name}"
    if not cache.get(marker):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_scaled_webp(field, width)))
        cache.set(marker, True, 86_400)
    return default_storage.url(name), name


def _scaled_webp(field, width):
    field.open("rb")
    try:
        with Image.open(field) as image:
            if image.width * image.height > settings.IMAGE_MAX_PIXELS or max(image.size) > MAX_SIDE:
                # Uploads are refused at these sizes; an image stored before is refused here,
                # before its pixels are decoded.
                raise ValueError(f"{image.width} × {image.height} pixels is more than renditions are made of")
            image = ImageOps.exif_transpose(image)
            if image.width > width:
                height = max(1, round(image.height * width / image.width))
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            output = io.BytesIO()
            image.save(output, "WEBP", quality=WEBP_QUALITY, method=4)
            return output.getvalue()
    finally:
        field.close()
