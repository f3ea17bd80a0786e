"""Responsive renditions of uploaded images: WebP at a few widths, made on first use and kept in
the same storage as the original (local files or S3)."""

import hashlib
import io
import posixpath
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

WIDTHS = (480, 800, 1200)
WEBP_QUALITY = 80


@dataclass(frozen=True)
class ResponsiveImage:
    src: str
    srcset: str
    webp_srcset: str
    width: int
    height: int


def responsive_image(field, width, height):
    """Renditions of the image in ``field`` (an ImageField's file) whose size is known:
    ``src`` and ``srcset`` in the original format, ``webp_srcset`` in WebP."""
    if not field or not width or not height:
        return None
    widths = [w for w in WIDTHS if w < width] + [width]
    webp = [(rendition_url(field, w), w) for w in widths]
    return ResponsiveImage(
        src=field.url,
        srcset=f"{field.url} {width}w",
        webp_srcset=", ".join(f"{url} {w}w" for url, w in webp),
        width=width,
        height=height,
    )


def rendition_url(field, width):
    """The URL of a WebP copy of ``field`` scaled to ``width`` pixels, made if missing."""
    stem = posixpath.splitext(field.name)[0]
    digest = hashlib.sha256(field.name.encode()).hexdigest()[:10]
    name = f"renditions/{stem}-{digest}-{width}.webp"
    marker = f"rendition:{name}"
    if not cache.get(marker):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_scaled_webp(field, width)))
        cache.set(marker, True, 86_400)
    return default_storage.url(name)


def _scaled_webp(field, width):
    field.open("rb")
    try:
        with Image.open(field) as image:
            image = ImageOps.exif_transpose(image)
            if image.width > width:
                image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            output = io.BytesIO()
            image.save(output, "WEBP", quality=WEBP_QUALITY, method=4)
            return output.getvalue()
    finally:
        field.close()
