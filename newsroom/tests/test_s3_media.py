"""Uploaded images and their renditions in a private S3-compatible bucket: moto's S3 server on
loopback is the bucket (the ``bucket`` fixture, newsroom/tests/conftest.py), written by the
storage, read over HTTP as a stranger would read it, and served to readers by the app only while
the image is public."""

import io
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author, make_user
from newsroom.edge import purging
from newsroom.renditions import crops, responsive_image
from newsroom.tests.recorder import Recorder
from newsroom.tests.test_renditions import picture_of
from newsroom.tests.test_settings import PROD_ENV
from newsroom.tests.uploads import jpeg_upload

EDGE_SECONDS = 86_400


@pytest.fixture
def edge(settings, monkeypatch):
    """A stand-in Varnish that every purge is sent to, and an edge allowed to keep pages a day."""
    recorder = Recorder().start()
    settings.EDGE_PURGE_BACKENDS = [
        {"BACKEND": "newsroom.edge.backends.VarnishBackend", "SERVERS": [recorder.url], "TIMEOUT": 1}
    ]
    settings.EDGE_CACHE_SECONDS = EDGE_SECONDS
    monkeypatch.setattr(purging, "RESEND_MARGIN_SECONDS", 0.2)
    yield recorder
    purging.resends.wait()
    recorder.stop()


def purged_tags(recorder):
    return set().union(*(request.headers["xkey-purge"].split() for request in recorder.requests))


def image_addresses(article):
    """The app's addresses of the article's lead image, its WebP renditions and its crops (all
    made now, as a preview or the page makes them), by stored name."""
    size = (article.lead_image_width, article.lead_image_height)
    webp = responsive_image(article.lead_image, *size).webp_srcset.split(", ")
    urls = [article.lead_image.url, *(entry.split()[0] for entry in webp)]
    urls += [crop.url for crop in crops(article.lead_image, *size).values()]
    assert len(urls) == 1 + 3 + 3  # 480, 800 and 1000 wide; 16:9, 4:3 and 1:1
    return {url.removeprefix("/media/"): url for url in urls}


def served(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.django_db
def test_upload_lands_private_in_the_bucket_typed_by_its_bytes_and_linked_at_the_app(bucket, media_root):
    client = Client()
    client.force_login(make_user("Editor"))
    article = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    jpeg = jpeg_upload("page.jpg", width=640, height=480).read()
    upload = SimpleUploadedFile("page.jpg", jpeg, content_type="text/html")  # as if it were also a page
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = client.post(url, {**form_data(client.get(url)), "lead_image": upload, "lead_image_alt": "A rig"})

    assert response.status_code == 302
    article.refresh_from_db()
    name = article.lead_image.name
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name)
    assert bucket.read(name) == ("image/jpeg", jpeg)
    assert article.lead_image.url == f"/media/{name}"
    assert bucket.anonymous_status(name) == 403
    grantees = [grant["Grantee"] for grant in bucket.s3.get_object_acl(Bucket=bucket.name, Key=name)["Grants"]]
    assert [grantee["Type"] for grantee in grantees] == ["CanonicalUser"]  # the owner alone
    assert not media_root.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize("state", ["draft", "in review", "scheduled", "expired"])
def test_a_hidden_article_s_image_renditions_and_crops_are_private_in_the_bucket_and_not_served(
    bucket, client, media_root, state
):
    now = timezone.now()
    times = {
        "draft": {"status": Article.Status.DRAFT},
        "in review": {"status": Article.Status.REVIEW},
        "scheduled": {"published_at": now + timedelta(hours=1)},
        "expired": {"published_at": now - timedelta(hours=2), "expires_at": now - timedelta(hours=1)},
    }[state]
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A rig", **times)

    addresses = image_addresses(article)

    assert set(addresses) == bucket.keys()
    for key, url in addresses.items():
        assert bucket.anonymous_status(key) == 403, key
        response, _ = served(client, url)
        assert (response.status_code, response["Cache-Control"]) == (404, "no-store"), url
        assert "Surrogate-Key" not in response
    assert not media_root.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize("publication", ["by an edit", "by its time passing"])
def test_the_app_serves_an_image_from_the_bucket_once_public_and_not_after(
    bucket, edge, client, django_capture_on_commit_callbacks, publication
):
    now = timezone.now()
    if publication == "by an edit":
        hidden, public_at = {"status": Article.Status.DRAFT}, now
    else:
        hidden = {"status": Article.Status.PUBLISHED, "published_at": now + timedelta(hours=1)}
        public_at = now + timedelta(hours=1, minutes=1)
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A rig", **hidden)
    addresses = image_addresses(article)
    assert all(served(client, url)[0].status_code == 404 for url in addresses.values())

    with time_machine.travel(public_at):
        if publication == "by an edit":
            with django_capture_on_commit_callbacks(execute=True):
                article.status, article.published_at = Article.Status.PUBLISHED, public_at
                article.save()
        for key, url in addresses.items():
            response, body = served(client, url)
            assert response.status_code == 200, url
            content_type, stored = bucket.read(key)
            assert (response["Content-Type"], body) == (content_type, stored)
            assert content_type == ("image/webp" if key.endswith(".webp") else "image/jpeg")
            assert int(response["Content-Length"]) == len(stored)
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
            assert response["Cache-Control"] == f"public, max-age=3600, s-maxage={EDGE_SECONDS}"
            assert response["Surrogate-Key"] == response["Cache-Tag"] == f"article:{article.pk}"
            assert bucket.anonymous_status(key) == 403  # the bucket itself stays private
            revalidated = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
            assert (revalidated.status_code, revalidated["Cache-Control"]) == (304, response["Cache-Control"])
        with Image.open(io.BytesIO(served(client, addresses[article.lead_image.name])[1])) as image:
            assert image.size == (1000, 750)

        purging.resends.wait()
        edge.requests.clear()
        with django_capture_on_commit_callbacks(execute=True):
            article.status = Article.Status.DRAFT
            article.save()
        for url in addresses.values():
            response, _ = served(client, url)
            assert (response.status_code, response["Cache-Control"]) == (404, "no-store"), url
            # A cache asking whether its copy is still good is told there is nothing.
            revalidated = client.get(url, headers={"If-Modified-Since": "Sat, 01 Jan 2100 00:00:00 GMT"})
            assert revalidated.status_code == 404
    # The edge holding the images is told to drop them: they all carry this tag.
    assert f"article:{article.pk}" in purged_tags(edge)


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
def test_no_cache_may_keep_an_image_past_its_article_s_expiry(bucket, edge, client):
    # An expiry sends no purge: what leaves the app says itself how long it may be kept.
    written = timezone.now()
    article = make_article(
        lead_image=jpeg_upload("rig.jpg", width=1000, height=750),
        lead_image_alt="A rig",
        published_at=written - timedelta(hours=1),
        expires_at=written + timedelta(minutes=10),
    )
    addresses = image_addresses(article)

    for url in addresses.values():
        response, _ = served(client, url)
        assert response.status_code == 200
        cache_control = dict(part.split("=") for part in response["Cache-Control"].split(", ")[1:])
        for lifetime in cache_control.values():
            assert 0 < int(lifetime) <= 600  # never past the expiry this test wrote
    with time_machine.travel(written + timedelta(minutes=10, seconds=1)):
        assert all(served(client, url)[0].status_code == 404 for url in addresses.values())


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
def test_article_page_shows_the_image_and_webp_renditions_through_the_app(bucket, media_root):
    upload = jpeg_upload("rig.jpg", width=1000, height=750)
    jpeg = upload.read()
    upload.seek(0)
    article = make_article(lead_image=upload, lead_image_alt="A rig")
    client = Client()

    srcset, img = picture_of(client, article)

    assert img["src"] == f"/media/{article.lead_image.name}"
    assert served(client, img["src"])[1] == jpeg
    assert [width for _, width in srcset] == [480, 800, 1000]
    for url, width in srcset:
        assert url.startswith("/media/renditions/articles/") and url.endswith(f"-{width}.webp")
        response, body = served(client, url)
        assert response["Content-Type"] == "image/webp"
        with Image.open(io.BytesIO(body)) as rendition:
            assert (rendition.format, rendition.size) == ("WEBP", (width, round(750 * width / 1000)))
    assert not media_root.exists()


@pytest.mark.django_db
def test_a_preview_shows_a_draft_s_image_from_the_bucket_through_signed_addresses(bucket, media_root):
    article = make_article(
        status=Article.Status.DRAFT, lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A rig"
    )
    editor = Client()
    editor.force_login(make_user("Editor"))
    page = editor.get(reverse("admin:articles_article_preview", args=[article.pk])).text
    stem = article.lead_image.name.rsplit(".", 1)[0].rsplit("/", 1)[1]
    addresses = {url.replace("&amp;", "&") for url in re.findall(r"(/media/[^\" ]+)", page) if stem in url}

    assert len(addresses) == 4  # the image and its renditions at three widths
    anonymous = Client()
    for url in addresses:
        assert "?preview=" in url
        response, body = served(anonymous, url)
        assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store"), url
        assert body == bucket.read(url.removeprefix("/media/").split("?")[0])[1]
        assert served(anonymous, url.split("?")[0])[0].status_code == 404


@pytest.mark.django_db
def test_a_missing_object_is_not_found(bucket, client):
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=640, height=480), lead_image_alt="A rig")
    bucket.s3.delete_object(Bucket=bucket.name, Key=article.lead_image.name)

    assert client.get(article.lead_image.url).status_code == 404


SHOW_MEDIA_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import resolve
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "options": settings.STORAGES["default"].get("OPTIONS"),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "url": default_storage.url("articles/2026/11/0f.jpg"),
    "view": resolve(default_storage.url("articles/2026/11/0f.jpg")).func.__module__,
}))
"""
# Keys, so that nothing asks an instance metadata service for them.
S3_KEYS = {"AWS_ACCESS_KEY_ID": "key-id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_EC2_METADATA_DISABLED": "true"}
ON_MINIO = {"AWS_STORAGE_BUCKET_NAME": "news-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.net:9000"}


@pytest.mark.parametrize(
    "env",
    [
        ON_MINIO,
        {**ON_MINIO, "AWS_LOCATION": "newsroom"},
        {"AWS_STORAGE_BUCKET_NAME": "news-media", "AWS_S3_REGION_NAME": "eu-west-1"},
    ],
)
def test_bucket_from_the_environment_is_the_media_storage_linked_at_the_app(run_django, env):
    result = run_django(code=SHOW_MEDIA_SETTINGS, env={**S3_KEYS, **env})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["backend"] == "newsroom.storage.MediaStorage"
    assert shown["options"]["bucket_name"] == "news-media"
    assert shown["options"]["location"] == env.get("AWS_LOCATION", "")
    assert shown["url"] == "/media/articles/2026/11/0f.jpg"
    assert shown["view"] == "newsroom.media"
    assert shown["img_src"] == ["'self'", "data:"]


def test_without_a_bucket_media_stays_on_local_files_served_by_the_checked_view(run_django):
    # As `make run` and the development server have it.
    result = run_django(code=SHOW_MEDIA_SETTINGS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"
    assert shown["img_src"] == ["'self'", "data:"]
    assert shown["url"] == "/media/articles/2026/11/0f.jpg"
    assert shown["view"] == "newsroom.media"


@pytest.mark.parametrize(
    "retired",
    [
        {"SERVE_MEDIA": "0"},
        {**ON_MINIO, "AWS_S3_CUSTOM_DOMAIN": "media.example.com"},
        {**ON_MINIO, "AWS_QUERYSTRING_AUTH": "1"},
    ],
)
def test_a_setting_that_served_media_around_the_app_stops_the_start(run_django, retired):
    result = run_django("check", env={**S3_KEYS, **retired})
    assert result.returncode != 0
    name = next(name for name in retired if name not in ON_MINIO)
    assert f"{name} is no longer read" in result.stderr


def test_production_with_a_bucket_passes_the_deploy_check(run_django):
    env = {**PROD_ENV, **S3_KEYS, **ON_MINIO}
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=env, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
