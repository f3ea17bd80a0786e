"""Validation for uploaded images: the size is checked before decoding, then the dimensions
from the header, then the format is detected from the bytes (never trusted from the name), and
last the whole image is decoded, so that whatever passes can be scaled for pages. Only raster
formats a browser shows safely are accepted; SVG and HTML never pass. Stored files are named by
``UploadedImageField``, never by the uploader."""

import posixpath
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image

# Accepted formats and the extension a stored file of each gets, which is also what decides the
# Content-Type it is served with (content_type(), locally or from the bucket).
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",  # uploads stored before names were ours
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
# EXIF orientations of a photo stored on its side: browsers and renditions show it turned.
SIDEWAYS = {5, 6, 7, 8}
# The longest side a WebP image can have, and so a rendition, which can be as wide as its original.
MAX_SIDE = 16_383


@contextmanager
def opened(file):
    """``file`` opened by Pillow from its first byte (the header only, until pixels are asked
    for), and left where it was found afterwards."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            yield image
    finally:
        file.seek(position)


def content_type(name):
    """The Content-Type a stored file called ``name`` is served with, or None if it is not an image's."""
    return CONTENT_TYPES.get(posixpath.splitext(name)[1].lower())


def validate_image(file):
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; the largest accepted is %(limit)s.",
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    try:
        with opened(file) as image:
            _validate_dimensions(*image.size)
            if image.format not in EXTENSIONS:
                raise ValidationError(
                    "Images must be JPEG, PNG, WebP or GIF; this file is %(format)s.",
                    code="image_format",
                    params={"format": image.format},
                )
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("This image has too many pixels to be processed safely.", code="image_bomb") from None
    except Exception:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.", code="image_invalid"
        ) from None
    # verify() leaves the image unusable and reads no JPEG data: a file cut off in the middle
    # passes it and fails only when its pixels are decoded, as renditions do.
    try:
        with opened(file) as image:
            image.load()
    except Exception:
        raise ValidationError(
            "This image is incomplete or damaged: part of it is missing. "
            "Export or download it again, then upload the new copy.",
            code="image_damaged",
        ) from None


def _validate_dimensions(width, height):
    params = {"width": width, "height": height}
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)s by %(height)s pixels; the most accepted is %(limit)s megapixels.",
            code="image_too_many_pixels",
            params={**params, "limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        )
    if max(width, height) > settings.IMAGE_MAX_ASPECT_RATIO * min(width, height):
        raise ValidationError(
            "This image is %(width)s by %(height)s pixels, too long and thin to show: its long side may "
            "be at most %(limit)s times its short side. Crop it, then upload it again.",
            code="image_aspect_ratio",
            params={**params, "limit": settings.IMAGE_MAX_ASPECT_RATIO},
        )
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            "This image is %(width)s by %(height)s pixels; neither side may be longer than %(limit)s "
            "pixels. Make it smaller, then upload it again.",
            code="image_side_too_long",
            params={**params, "limit": MAX_SIDE},
        )


def image_size(file):
    """(width, height) as the image is shown, turned by its EXIF orientation, from its header
    without decoding it; or (None, None)."""
    try:
        with opened(file) as image:
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS:
                return height, width
            return width, height
    except Exception:
        return None, None


def detected_extension(file):
    """The extension for the format ``file``'s bytes are in, whatever its name says."""
    try:
        with opened(file) as image:
            image_format = image.format
    except Exception:
        image_format = None
    if image_format not in EXTENSIONS:
        raise ValidationError("This file is not a JPEG, PNG, WebP or GIF image.", code="image_format")
    return EXTENSIONS[image_format]


class UploadedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        super().save(f"{uuid.uuid4().hex}{detected_extension(content)}", content, save)


class UploadedImageField(models.ImageField):
    """An image stored under a random name with the extension of its real format: the uploader's
    file name (``shell.php.jpg``, ``page.html``) never reaches the storage, so no web server can
    be led to run or render an upload as anything but an image, and names are never reused."""

    attr_class = UploadedImageFieldFile
