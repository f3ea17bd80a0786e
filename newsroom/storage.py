"""Uploaded images in an S3-compatible bucket, the default storage when AWS_STORAGE_BUCKET_NAME is
set (newsroom/settings/base.py)."""

from storages.backends.s3 import S3Storage

from .images import content_type
from .media import CACHE_CONTROL


class MediaStorage(S3Storage):
    """Public objects behind unsigned URLs, served as newsroom/media.py serves local files.

    Stored names are random and never reused (newsroom.images), so nothing is overwritten and a
    copy may be kept for a year. Each object's Content-Type comes from its name alone, whose
    extension is that of the format found in its bytes. S3Storage would otherwise store the type
    the file claims: the admin's form sets that from the bytes, but a file saved any other way
    says what its sender said, and a bucket sends no ``nosniff``, so a JPEG that is also an HTML
    page, claimed as text/html, would open as a page. A name that is not an image's is stored as
    a download."""

    file_overwrite = False
    querystring_auth = False
    signature_version = "s3v4"  # for signed URLs (AWS_QUERYSTRING_AUTH); botocore would sign them with v2

    def get_object_parameters(self, name):
        stored_as = content_type(name) or "application/octet-stream"
        return {**super().get_object_parameters(name), "CacheControl": CACHE_CONTROL, "ContentType": stored_as}
