"""Uploads for image tests, read from ``files/``: real small images, files that only pretend to
be images, and PNG headers that claim far more pixels than they hold; and, made on the spot,
real JPEGs of any size and images whose header is sound but that no page could show."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

FILES = Path(__file__).resolve().parent / "files"
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}

# The file, and the validation error code it must be rejected with.
REJECTED_IMAGES = [
    ("page-named.png", "image_invalid"),  # an HTML page with a .png name
    ("drawing-named.png", "image_invalid"),  # an SVG with an onload handler and a .png name
    ("bomb.png", "image_bomb"),  # declares 50,000 × 50,000 pixels
    ("too-many-pixels.png", "image_too_many_pixels"),  # declares 8,000 × 6,000 pixels
]
ACCEPTED_IMAGES = ["photo.jpg", "photo.png", "photo.webp"]
# Made by unrenderable_upload(): their headers pass, their pixels cannot be shown or scaled. The
# name says what the file is; the code is the validation error it must be rejected with.
UNRENDERABLE_IMAGES = [
    ("truncated.jpg", "image_damaged"),  # a 600 × 400 photo cut off half way
    ("1x40000.png", "image_aspect_ratio"),
    ("40000x1.png", "image_aspect_ratio"),
    ("20000x1500.png", "image_side_too_long"),  # within the pixel limit, wider than WebP allows
]


def image_upload(name, *, named=None):
    """``files/<name>`` as an uploaded file called ``named`` (the same name unless told)."""
    named = named or name
    content_type = CONTENT_TYPES.get(Path(named).suffix, "application/octet-stream")
    return SimpleUploadedFile(named, (FILES / name).read_bytes(), content_type=content_type)


def jpeg_upload(named, *, width, height, orientation=None):
    """A real JPEG photo of ``width`` × ``height`` stored pixels as an uploaded file called
    ``named``; ``orientation`` is the EXIF tag cameras use for a photo taken on its side
    (6: turn it 90° clockwise to show it)."""
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    output = io.BytesIO()
    photo = Image.linear_gradient("L").convert("RGB").resize((width, height))
    photo.save(output, "JPEG", quality=85, exif=exif)
    return SimpleUploadedFile(named, output.getvalue(), content_type="image/jpeg")


def unrenderable_upload(named):
    """The image ``named`` in UNRENDERABLE_IMAGES, as an uploaded file of that name."""
    if named == "truncated.jpg":
        photo = jpeg_upload(named, width=600, height=400).read()
        return SimpleUploadedFile(named, photo[: len(photo) // 2], content_type="image/jpeg")
    width, height = (int(side) for side in Path(named).stem.split("x"))
    output = io.BytesIO()
    Image.new("L", (width, height), 128).save(output, "PNG")
    return SimpleUploadedFile(named, output.getvalue(), content_type="image/png")
