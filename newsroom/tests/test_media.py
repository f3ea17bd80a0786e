"""Uploaded images as stored and served: names of ours, an image Content-Type, nosniff and a
sandbox, nothing but images, and uploads kept apart from anything that runs."""

import re

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from articles.tests.factories import make_article, make_author
from breaking.tests.factories import make_live_story, make_update
from newsroom.renditions import rendition_url
from newsroom.tests.uploads import image_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "uploaded_as", "extension", "content_type"),
    [
        ("photo.jpg", "photo.jpg", ".jpg", "image/jpeg"),
        ("photo.png", "index.html", ".png", "image/png"),
        ("photo.webp", "avatar.php", ".webp", "image/webp"),
        ("photo.jpg", "photo.svg", ".jpg", "image/jpeg"),
    ],
)
def test_an_upload_is_stored_and_served_as_the_image_it_really_is(
    client, media_root, name, uploaded_as, extension, content_type
):
    article = make_article(lead_image=image_upload(name, named=uploaded_as), lead_image_alt="A square")
    assert re.fullmatch(rf"articles/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\{extension}", article.lead_image.name)

    response = client.get(article.lead_image.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_upload(name).read()
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=3600, s-maxage=0"


def test_author_photos_get_names_of_ours_too(media_root):
    author = make_author(photo=image_upload("photo.png", named="me.html"))
    assert re.fullmatch(r"authors/\d{4}/\d{2}/[0-9a-f]{32}\.png", author.photo.name)


def test_two_uploads_with_one_name_never_share_a_file(media_root):
    first = make_article(lead_image=image_upload("photo.jpg"), lead_image_alt="One")
    second = make_article(lead_image=image_upload("photo.jpg"), lead_image_alt="Two")
    assert first.lead_image.name != second.lead_image.name


@pytest.mark.parametrize(
    "path",
    ["page.html", "drawing.svg", "script.js", "notes.txt", "../db.sqlite3", "articles/../../secret.jpg", "missing.jpg"],
)
def test_only_images_inside_the_media_folder_are_served(client, media_root, path):
    media_root.mkdir(parents=True, exist_ok=True)
    for name in ["page.html", "drawing.svg", "script.js", "notes.txt"]:
        (media_root / name).write_text("<script>alert(1)</script>")
    (media_root.parent / "secret.jpg").write_bytes(image_upload("photo.jpg").read())
    assert client.get(f"/media/{path}").status_code == 404


def test_media_root_that_overlaps_code_templates_or_static_files_is_an_error(settings, tmp_path):
    for media_root in [settings.BASE_DIR, settings.BASE_DIR / "static" / "uploads", settings.BASE_DIR / "articles"]:
        with override_settings(MEDIA_ROOT=media_root):
            assert "newsroom.E001" in {error.id for error in run_checks()}
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        assert "newsroom.E001" not in {error.id for error in run_checks()}


@pytest.mark.parametrize(
    ("made", "tag"),
    [
        ("an article's image", "article:{article}"),
        ("a rendition", "article:{article}"),
        ("an author's photo", "list:author:{author}"),
        ("a rendition of an author's photo", "list:author:{author}"),
        ("a live update's image", "live:{story}"),
    ],
)
def test_an_image_is_checked_and_served_in_one_query(client, media_root, django_assert_num_queries, made, tag):
    author = make_author(photo=image_upload("photo.png"))
    article = make_article(lead_image=image_upload("photo.jpg"), lead_image_alt="A square", authors=[author])
    story = make_live_story()
    update = make_update(story, image=image_upload("photo.webp"), image_alt="A square")
    url = {
        "an article's image": article.lead_image.url,
        "a rendition": rendition_url(article.lead_image, 480)[0],
        "an author's photo": author.photo.url,
        "a rendition of an author's photo": rendition_url(author.photo, 480)[0],
        "a live update's image": update.image.url,
    }[made]

    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Surrogate-Key"] == tag.format(article=article.pk, author=author.pk, story=story.pk)


@pytest.mark.parametrize("folder", ["", "uploads/", "authors/", "live/", "renditions/"])
def test_an_image_stored_for_nothing_of_ours_is_not_served(client, media_root, folder):
    # An image nobody's row names, however it came to be stored: nothing public shows it.
    (media_root / folder).mkdir(parents=True, exist_ok=True)
    (media_root / folder / "stray.jpg").write_bytes(image_upload("photo.jpg").read())

    response = client.get(f"/media/{folder}stray.jpg")

    assert (response.status_code, response["Cache-Control"]) == (404, "no-store")
