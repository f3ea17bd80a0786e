"""Uploaded images and their renditions in an S3-compatible bucket: moto's S3 server on loopback
is the bucket, written by the storage and read over HTTP as a browser reads it."""

import io
import json
import re
import urllib.request
import uuid
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from articles.models import Article
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author, make_user
from newsroom.tests.test_renditions import picture_of
from newsroom.tests.test_settings import PROD_ENV
from newsroom.tests.uploads import jpeg_upload

YEAR = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    """A new bucket that anyone may read objects from, as docs/deploy.md has it, made the default
    storage. Returns its objects' URL prefix; ``media_root`` is there to prove nothing lands in it."""
    name = f"media-{uuid.uuid4().hex}"
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="any", aws_secret_access_key="any"
    )
    s3.create_bucket(Bucket=name)
    public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    options = {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1"}
    options.update(access_key="any", secret_key="any")  # moto takes any keys
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.MediaStorage", "OPTIONS": options},
    }
    return f"{s3_endpoint}/{name}/"


def fetch(url):
    """(Content-Type, Cache-Control, body) of ``url``, fetched with no credentials."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.headers["Cache-Control"], response.read()


@pytest.mark.django_db
def test_upload_lands_in_the_bucket_typed_by_its_bytes_not_by_the_browser(bucket, media_root):
    client = Client()
    client.force_login(make_user("Editor"))
    article = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    jpeg = jpeg_upload("page.jpg", width=640, height=480).read()
    upload = SimpleUploadedFile("page.jpg", jpeg, content_type="text/html")  # as if it were also a page
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = client.post(url, {**form_data(client.get(url)), "lead_image": upload, "lead_image_alt": "A rig"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.lead_image.name)
    assert fetch(bucket + article.lead_image.name) == ("image/jpeg", YEAR, jpeg)
    assert not media_root.exists()


@pytest.mark.django_db
def test_stored_type_follows_the_name_whatever_the_file_claims(bucket):
    jpeg = jpeg_upload("page.jpg", width=64, height=48).read()
    upload = SimpleUploadedFile("page.jpg", jpeg, content_type="text/html")
    article = make_article(lead_image=upload, lead_image_alt="A rig")

    assert fetch(bucket + article.lead_image.name)[0] == "image/jpeg"


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
def test_article_page_shows_the_image_and_webp_renditions_from_the_bucket(bucket, media_root):
    upload = jpeg_upload("rig.jpg", width=1000, height=750)
    jpeg = upload.read()
    upload.seek(0)
    article = make_article(lead_image=upload, lead_image_alt="A rig")

    srcset, img = picture_of(Client(), article)

    assert img["src"] == bucket + article.lead_image.name
    assert fetch(img["src"]) == ("image/jpeg", YEAR, jpeg)
    assert [width for _, width in srcset] == [480, 800, 1000]
    for url, width in srcset:
        assert url.startswith(f"{bucket}renditions/articles/") and url.endswith(f"-{width}.webp")
        content_type, cache_control, body = fetch(url)
        assert (content_type, cache_control) == ("image/webp", YEAR)
        with Image.open(io.BytesIO(body)) as rendition:
            assert (rendition.format, rendition.size) == ("WEBP", (width, round(750 * width / 1000)))
    assert not media_root.exists()


SHOW_MEDIA_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "serve_media": settings.SERVE_MEDIA,
    "url": default_storage.url("articles/2026/11/0f.jpg"),
}))
"""
# Keys, so that nothing asks an instance metadata service for them.
S3_KEYS = {"AWS_ACCESS_KEY_ID": "key-id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_EC2_METADATA_DISABLED": "true"}
ON_MINIO = {"AWS_STORAGE_BUCKET_NAME": "news-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.net:9000"}


@pytest.mark.parametrize(
    ("env", "url"),
    [
        (ON_MINIO, "https://s3.example.net:9000/news-media/articles/2026/11/0f.jpg"),
        (
            {**ON_MINIO, "AWS_S3_CUSTOM_DOMAIN": "media.example.com", "AWS_LOCATION": "newsroom"},
            "https://media.example.com/newsroom/articles/2026/11/0f.jpg",
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "news-media", "AWS_S3_REGION_NAME": "eu-west-1"},
            "https://news-media.s3.amazonaws.com/articles/2026/11/0f.jpg",
        ),
        ({**ON_MINIO, "AWS_QUERYSTRING_AUTH": "1"}, "https://s3.example.net:9000/news-media/articles/2026/11/0f.jpg"),
    ],
)
def test_bucket_from_the_environment_is_the_media_storage_and_an_image_source(run_django, env, url):
    result = run_django(code=SHOW_MEDIA_SETTINGS, env={**S3_KEYS, **env})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["backend"] == "newsroom.storage.MediaStorage"
    address, _, query = shown["url"].partition("?")
    assert address == url
    assert ("X-Amz-Signature=" in query) is ("AWS_QUERYSTRING_AUTH" in env)
    parts = urlsplit(url)
    assert shown["img_src"] == ["'self'", "data:", f"{parts.scheme}://{parts.netloc}"]
    assert shown["serve_media"] is False


def test_without_a_bucket_media_stays_on_local_files(run_django):
    result = run_django(code=SHOW_MEDIA_SETTINGS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"
    assert shown["img_src"] == ["'self'", "data:"]
    assert shown["url"] == "/media/articles/2026/11/0f.jpg"


def test_production_with_a_bucket_passes_the_deploy_check(run_django):
    env = {**PROD_ENV, **S3_KEYS, **ON_MINIO}
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=env, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
