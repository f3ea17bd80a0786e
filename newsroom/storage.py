"""Uploaded images in a private S3-compatible bucket, the default storage when
AWS_STORAGE_BUCKET_NAME is set (newsroom/settings/base.py).

Nobody but the app reads the bucket. Readers ask the app at MEDIA_URL, as they do for local files
(newsroom/media.py), which decides at each request whether the image is public yet or still, and
streams it from here: a draft's image or its renditions have no public address until the article
is public, however its publication comes (an editor's click, or a scheduled time passing)."""

from urllib.parse import urljoin

from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .images import content_type
from .media import StoredFile


class MediaStorage(S3Storage):
    """Objects written with no ACL (so private to the bucket's owner, whatever the bucket's ACL
    setting) and addressed at the app's media path, never at the bucket.

    Stored names are random and never reused (newsroom.images), so nothing is overwritten. Each
    object's Content-Type comes from its name alone, whose extension is that of the format found
    in its bytes, as the app serves it, not from what the sender of the file claimed."""

    default_acl = None
    file_overwrite = False
    querystring_auth = False
    signature_version = "s3v4"

    def get_object_parameters(self, name):
        stored_as = content_type(name) or "application/octet-stream"
        return {**super().get_object_parameters(name), "ContentType": stored_as}

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(clean_name(name)))

    def stored_file(self, name):
        """The object ``name`` opened for streaming, in one request to the bucket; None if there
        is no such object."""
        try:
            stored = self.bucket.Object(self._normalize_name(clean_name(name))).get()
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                return None
            raise
        return StoredFile(stored["Body"], stored["ContentLength"], stored["LastModified"].timestamp())
