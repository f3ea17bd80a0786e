import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author, make_user
from authors.models import Author
from newsroom.tests.uploads import REJECTED_IMAGES, image_upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:authors_author_changelist")
ADD = reverse("admin:authors_author_add")


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_user("Editor"))
    return client


def add_author(client, **fields):
    return client.post(ADD, {**form_data(client.get(ADD)), **fields})


def test_author_list_shows_a_photo_thumbnail_and_counts_articles(editor_client, media_root):
    add_author(editor_client, name="Ann Lee", slug="ann-lee", photo=image_upload("photo.jpg"))
    ann = Author.objects.get(slug="ann-lee")
    bob = make_author(name="Bob Stone")
    for _ in range(3):
        make_article(authors=[ann, bob])
    make_article(authors=[bob])

    response = editor_client.get(CHANGELIST)

    rows = {author.name: author for author in response.context["cl"].result_list}
    assert (rows["Ann Lee"].article_count, rows["Bob Stone"].article_count) == (3, 4)
    page = response.content.decode()
    assert f'<img src="{ann.photo.url}?preview=' in page
    assert (media_root / ann.photo.name).exists()


def test_author_list_searches_by_name(editor_client):
    make_author(name="Irina Slav")
    make_author(name="Ann Lee", job_title="Slavic affairs")
    make_author(name="Bob Stone")

    response = editor_client.get(CHANGELIST, {"q": "irina"})

    assert [author.name for author in response.context["cl"].result_list] == ["Irina Slav"]


def test_author_list_sorts_by_article_count(editor_client):
    busy, idle = make_author(name="Busy"), make_author(name="Idle")
    make_article(authors=[busy])
    response = editor_client.get(CHANGELIST, {"o": "-4"})
    assert list(response.context["cl"].result_list) == [busy, idle]


def test_author_autocomplete_pages_through_authors_in_name_order(editor_client):
    for name in ["Carla", "Ann", "Bob"]:
        make_author(name=name)
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": ""},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Ann", "Bob", "Carla"]


@pytest.mark.parametrize(("name", "code"), REJECTED_IMAGES)
def test_photo_upload_refuses_files_that_are_not_safe_images(editor_client, media_root, name, code):
    response = add_author(editor_client, name="Photo", slug="photo", photo=image_upload(name))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"]
    assert not Author.objects.filter(slug="photo").exists()
    assert not media_root.exists()


def test_photo_upload_refuses_a_file_over_the_limit(editor_client, media_root, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 64
    response = add_author(editor_client, name="Photo", slug="photo", photo=image_upload("photo.jpg"))
    assert "the largest accepted is 64" in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.filter(slug="photo").exists()


def test_photo_upload_accepts_a_real_image(editor_client, media_root):
    response = add_author(editor_client, name="Photo", slug="photo", photo=image_upload("photo.png"))
    assert response.status_code == 302
    assert Author.objects.get(slug="photo").photo.name.startswith("authors/")


def test_reporters_see_authors_but_cannot_add_them():
    client = Client()
    client.force_login(make_user("Reporter"))
    assert client.get(CHANGELIST).status_code == 200
    assert client.post(ADD, {"name": "Sneaky", "slug": "sneaky"}).status_code == 403
    assert not Author.objects.filter(slug="sneaky").exists()


def author_rows(count, media_root):
    photo = image_upload("photo.jpg")
    for number in range(count):
        author = make_author(photo=photo if number % 2 else "")
        make_article(authors=[author])


@pytest.mark.parametrize("rows", [1, 20])
def test_author_list_queries_do_not_grow_with_rows(django_assert_num_queries, media_root, rows):
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    author_rows(rows, media_root)
    with django_assert_num_queries(5):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("role", ["Reporter", "Editor", "Site administrator"])
def test_staff_see_the_photo_of_an_author_with_no_public_article_through_signed_addresses(media_root, role):
    # Reporters may only view authors: the read-only form links to the photo too.
    hidden = make_author(name="Nell Ortiz", photo=image_upload("photo.jpg"))
    other = make_author(name="Bob Stone", photo=image_upload("photo.png"))
    make_article(authors=[hidden, other], status="draft")
    staff = Client()
    staff.force_login(make_user(role))
    pages = [CHANGELIST, reverse("admin:authors_author_change", args=[hidden.pk])]

    addresses = set()
    for page in pages:
        response = staff.get(page)
        assert response.status_code == 200, page
        found = re.findall(rf'"({re.escape(hidden.photo.url)}[^"]*)"', response.content.decode())
        assert found, page
        addresses.update(address.replace("&amp;", "&") for address in found)

    anonymous = Client()
    assert anonymous.get(hidden.photo.url).status_code == 404
    for address in addresses:
        assert "?preview=" in address
        response = anonymous.get(address)
        assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store"), address
        signature = address[address.index("?") :]
        assert anonymous.get(other.photo.url + signature).status_code == 404  # signed for one photo
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert all(anonymous.get(address).status_code == 404 for address in addresses)
