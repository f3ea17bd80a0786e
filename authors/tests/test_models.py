import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from articles.tests.factories import make_article, make_author, make_user
from authors.models import Author
from newsroom.tests.uploads import ACCEPTED_IMAGES, REJECTED_IMAGES, image_upload

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_name_with_a_number_added_on_collision():
    slugs = [Author.objects.create(name="María José García-López").slug for _ in range(2)]
    assert slugs == ["maria-jose-garcia-lopez", "maria-jose-garcia-lopez-2"]


def test_a_name_with_no_latin_letters_still_gets_a_slug():
    assert Author.objects.create(name="王小明").slug == "author"


def test_the_author_page_is_the_absolute_url_and_shows_the_bio_as_plain_text(client):
    author = make_author(
        name="Irina Slav",
        job_title="Energy correspondent",
        bio="Writes about oil. <script>alert(1)</script>",
        email="irina@newsroom.example",
    )
    make_article(authors=[author])

    response = client.get(author.get_absolute_url())

    assert author.get_absolute_url() == "/authors/irina-slav/"
    page = response.content.decode()
    assert response.status_code == 200
    assert "Irina Slav" in page and "Energy correspondent" in page
    assert "Writes about oil. &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "irina@newsroom.example" not in page


def test_an_author_needs_no_login_and_keeps_their_page_when_the_login_goes():
    user = make_user()
    author = make_author(name="Guest Writer")
    assert author.user is None
    author.user = user
    author.save()

    get_user_model().objects.filter(pk=user.pk).delete()

    author.refresh_from_db()
    assert author.user is None
    assert str(author) == "Guest Writer"


def test_a_login_belongs_to_one_author_at_most():
    user = make_user()
    make_author(user=user)
    with pytest.raises(ValidationError) as error:
        Author(name="Second profile", user=user).full_clean()
    assert "user" in error.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"), [("website", "javascript:alert(1)"), ("social_url", "not a url"), ("email", "nope")]
)
def test_links_and_email_must_be_well_formed(field, value):
    with pytest.raises(ValidationError) as error:
        Author(name="Links", **{field: value}).full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize("name", ACCEPTED_IMAGES)
def test_photo_accepts_a_real_small_image(name):
    Author(name="With photo", photo=image_upload(name)).full_clean()


@pytest.mark.parametrize(("name", "code"), REJECTED_IMAGES)
def test_photo_rejects_files_that_are_not_safe_images(name, code):
    with pytest.raises(ValidationError) as error:
        Author(name="With photo", photo=image_upload(name)).full_clean()
    assert [e.code for e in error.value.error_dict["photo"]] == [code]


def test_photo_rejects_a_file_over_the_upload_limit(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 64
    with pytest.raises(ValidationError) as error:
        Author(name="With photo", photo=image_upload("photo.jpg")).full_clean()
    assert error.value.error_dict["photo"][0].code == "image_too_large"
    assert "the largest accepted is 64" in error.value.message_dict["photo"][0]


def test_photo_limit_on_pixels_follows_the_setting(settings):
    settings.IMAGE_MAX_PIXELS = 12 * 8 - 1
    with pytest.raises(ValidationError) as error:
        Author(name="With photo", photo=image_upload("photo.png")).full_clean()
    assert error.value.error_dict["photo"][0].code == "image_too_many_pixels"
