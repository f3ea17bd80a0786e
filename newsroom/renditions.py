"""Responsive renditions of uploaded images: WebP at a few widths, and JPEG crops in the shapes
search engines and social sites show (``crops``), made on first use and kept in the same storage
as the original (local files or S3). An image they cannot be made of (damaged, gone from
storage, or stored before uploads were checked as they are now) is left out of pages: its
failure is logged once and remembered, so that it is not decoded again on every view."""

import hashlib
import io
import logging
import posixpath
from contextlib import contextmanager
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
# Google's Article guidelines ask for an image in each of these shapes, of at least MIN_PIXELS;
# social cards take the first. Each is cut from the middle of the image, at most CROP_WIDTH wide.
SHAPES = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
MIN_PIXELS = 50_000
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ResponsiveImage:
    src: str
    srcset: str
    webp_srcset: str
    width: int
    height: int


@dataclass(frozen=True)
class Crop:
    url: str
    width: int
    height: int


def responsive_image(field, width, height, *, signed=False):
    """Renditions of the image in ``field`` (an ImageField's file) whose size is known:
    ``src`` and ``srcset`` in the original format, ``webp_srcset`` in WebP. None when there is
    no image or its renditions cannot be made. ``signed``: every address is one that works for a
    while even if the image's article is not public (newsroom.media.signed_url), for previews."""
    if not field or not width or not height or _failed(field):
        return None
    widths = [w for w in WIDTHS if w < width] + [width]
    try:
        webp = [rendition_url(field, w) for w in widths]
        src = field.url
    except Exception:
        _remember_failure(field)
        return None
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


def crops(field, width, height):
    """``{shape: Crop}`` of the image in ``field`` (its size known) cut to each of ``SHAPES``
    that is at least ``MIN_PIXELS`` at its size, made if missing, in one decoding of the image
    for all of them. Empty when there is no image or the crops cannot be made."""
    if not field or not width or not height or _failed(field):
        return {}
    stem = posixpath.splitext(field.name)[0]
    digest = hashlib.sha256(field.name.encode()).hexdigest()[:10]
    wanted = {}
    for shape, (across, down) in SHAPES.items():
        box = _middle(width, height, across, down)
        crop_width = min(box[2] - box[0], CROP_WIDTH)
        size = (crop_width, round(crop_width * down / across))
        if size[0] * size[1] >= MIN_PIXELS:
            wanted[shape] = (f"renditions/{stem}-{digest}-{shape}-{size[0]}.jpg", box, size)
    markers = cache.get_many([f"rendition:{name}" for name, _, _ in wanted.values()])
    missing = {
        shape: made
        for shape, made in wanted.items()
        if f"rendition:{made[0]}" not in markers and not default_storage.exists(made[0])
    }
    try:
        if missing:
            with _opened(field) as image:
                for name, box, size in missing.values():
                    default_storage.save(name, ContentFile(_cropped_jpeg(image, box, size)))
        cache.set_many({f"rendition:{name}": True for name, _, _ in wanted.values()}, 86_400)
        return {shape: Crop(default_storage.url(name), *size) for shape, (name, _, size) in wanted.items()}
    except Exception:
        _remember_failure(field)
        return {}


def _middle(width, height, across, down):
    """The largest box of shape ``across``:``down`` in the middle of a ``width`` × ``height`` image."""
    if width * down > height * across:
        cut = round(height * across / down)
        return ((width - cut) // 2, 0, (width - cut) // 2 + cut, height)
    cut = round(width * down / across)
    return (0, (height - cut) // 2, width, (height - cut) // 2 + cut)


def _cropped_jpeg(image, box, size):
    cropped = image.crop(box).resize(size, Image.Resampling.LANCZOS)
    if cropped.mode != "RGB":
        # Transparent areas on white, as the pages show them.
        background = Image.new("RGB", cropped.size, "white")
        cropped = cropped.convert("RGBA")
        background.paste(cropped, mask=cropped.getchannel("A"))
        cropped = background
    output = io.BytesIO()
    cropped.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def _failed(field):
    return bool(cache.get(f"rendition-failed:{field.name}"))


def _remember_failure(field):
    if cache.add(f"rendition-failed:{field.name}", True, RETRY_FAILED_SECONDS):
        logger.exception("image left out of pages: its renditions cannot be made: %s", field.name)


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
    with _opened(field) as image:
        if image.width > width:
            height = max(1, round(image.height * width / image.width))
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        output = io.BytesIO()
        image.save(output, "WEBP", quality=WEBP_QUALITY, method=4)
        return output.getvalue()


@contextmanager
def _opened(field):
    """The image in ``field``, turned the way it is shown, once its size has been checked."""
    field.open("rb")
    try:
        with Image.open(field) as image:
            if image.width * image.height > settings.IMAGE_MAX_PIXELS or max(image.size) > MAX_SIDE:
                # Uploads are refused at these sizes; an image stored before is refused here,
                # before its pixels are decoded.
                raise ValueError(f"{image.width} × {image.height} pixels is more than renditions are made of")
            yield ImageOps.exif_transpose(image)
    finally:
        field.close()
