"""Validation for uploaded images: the size is checked before decoding, then the pixel count
from the header, then the format is detected from the bytes (never trusted from the name).
Only raster formats a browser shows safely are accepted; SVG and HTML never pass."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# EXIF orientations of a photo stored on its side: browsers and renditions show it turned.
SIDEWAYS = {5, 6, 7, 8}


def validate_image(file):
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; the largest accepted is %(limit)s.",
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    "This image is %(width)s by %(height)s pixels; the most accepted is %(limit)s megapixels.",
                    code="image_too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                    },
                )
            if image.format not in ACCEPTED_FORMATS:
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
    finally:
        file.seek(position)


def image_size(file):
    """(width, height) as the image is shown, turned by its EXIF orientation, from its header
    without decoding it; or (None, None)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS:
                return height, width
            return width, height
    except Exception:
        return None, None
    finally:
        file.seek(position)
