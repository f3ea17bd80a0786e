"""Uploads for image validation tests, read from ``files/``: real small images, files that only
pretend to be images, and PNG headers that claim far more pixels than they hold."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

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


def image_upload(name, *, named=None):
    """``files/<name>`` as an uploaded file called ``named`` (the same name unless told)."""
    named = named or name
    content_type = CONTENT_TYPES.get(Path(named).suffix, "application/octet-stream")
    return SimpleUploadedFile(named, (FILES / name).read_bytes(), content_type=content_type)
