"""Upload validation of images whose header passes but whose pixels no page could show: refused
where editors upload them, with the reason beside the field."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_user
from authors.models import Author
from newsroom.images import validate_image

from .uploads import UNRENDERABLE_IMAGES, jpeg_upload, unrenderable_upload

pytestmark = pytest.mark.django_db

ARTICLE_ADD = reverse("admin:articles_article_add")
AUTHOR_ADD = reverse("admin:authors_author_add")
# What the editor reads beside the field, by error code.
EXPLANATIONS = {
    "image_damaged": "This image is incomplete or damaged",
    "image_aspect_ratio": "its long side may be at most 20 times its short side",
    "image_side_too_long": "neither side may be longer than 16383 pixels",
}


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_user("Editor"))
    return client


def add(client, url, **fields):
    """Fill in the admin add form at ``url`` as a browser would and submit it."""
    return client.post(url, {**form_data(client.get(url)), **fields})


def field_errors(response, field):
    """The error messages shown beside ``field`` on the admin form page."""
    page = response.content.decode()
    listed = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.DOTALL)
    return re.findall(r"<li>(.*?)</li>", listed.group(1)) if listed else []


@pytest.mark.parametrize(("name", "code"), UNRENDERABLE_IMAGES)
def test_article_add_form_refuses_a_lead_image_no_page_could_show(editor_client, media_root, name, code):
    response = add(
        editor_client,
        ARTICLE_ADD,
        headline="Pictured",
        slug="pictured",
        lead_image=unrenderable_upload(name),
        lead_image_alt="A picture",
    )

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["lead_image"]] == [code]
    [shown] = field_errors(response, "lead_image")
    assert EXPLANATIONS[code] in shown
    assert not Article.objects.exists()
    assert not media_root.exists()


@pytest.mark.parametrize(("name", "code"), UNRENDERABLE_IMAGES)
def test_author_add_form_refuses_a_photo_no_page_could_show(editor_client, media_root, name, code):
    response = add(editor_client, AUTHOR_ADD, name="Ann Lee", slug="ann-lee", photo=unrenderable_upload(name))

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["photo"]] == [code]
    [shown] = field_errors(response, "photo")
    assert EXPLANATIONS[code] in shown
    assert not Author.objects.exists()
    assert not media_root.exists()


def test_a_truncated_jpeg_is_refused_although_its_header_is_whole():
    with pytest.raises(ValidationError) as error:
        validate_image(unrenderable_upload("truncated.jpg"))
    assert error.value.code == "image_damaged"
    assert error.value.message == (
        "This image is incomplete or damaged: part of it is missing. "
        "Export or download it again, then upload the new copy."
    )


@pytest.mark.parametrize(("width", "height"), [(4000, 200), (200, 4000), (16383, 1000), (1000, 16383)])
def test_panoramas_and_tall_images_within_the_limits_are_accepted(width, height):
    validate_image(jpeg_upload("wide.jpg", width=width, height=height))


@pytest.mark.parametrize(("ratio", "accepted"), [(10, True), (9, False)])
def test_the_aspect_ratio_limit_follows_the_setting(settings, ratio, accepted):
    settings.IMAGE_MAX_ASPECT_RATIO = ratio
    upload = jpeg_upload("wide.jpg", width=1000, height=100)
    if accepted:
        validate_image(upload)
    else:
        with pytest.raises(ValidationError) as error:
            validate_image(upload)
        assert error.value.code == "image_aspect_ratio"
        assert f"at most {ratio} times its short side" in error.value.message % error.value.params
