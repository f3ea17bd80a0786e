"""Articles as IPTC ninjs 3.1 and 2.2, validated against IPTC's own schemas (tests/files/ninjs,
copied unchanged with IPTC's licence) on every kind of article."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from articles.tests.factories import make_article, make_author, make_correction, make_section
from newsroom.tests.uploads import image_upload

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files" / "ninjs"
VALIDATORS = {
    version: Draft202012Validator(json.loads((FILES / f"ninjs-schema_{version}.json").read_text()))
    for version in ("3.1", "2.2")
}


def several_authors():
    return make_article(authors=[make_author(name="Ann Lee"), make_author(name="Bo Ek"), make_author(name="Cy Oh")])


def credit_line_only():
    return make_article(credit_line="Reuters", source_name="Reuters", source_url="https://www.reuters.com/x")


def with_image():
    return make_article(
        authors=[make_author()],
        section=make_section(name="Energy"),
        dek="A summary.",
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="A rig at sea",
        lead_image_caption="The rig",
        lead_image_credit="Photo: AP",
    )


def with_corrections():
    article = make_article(authors=[make_author()])
    make_correction(article, text="A name was wrong.")
    make_correction(article, text="Clarified the date.", kind="clarification")
    return article


KINDS = [several_authors, credit_line_only, with_image, with_corrections]


@pytest.mark.parametrize("version", ["3.1", "2.2"])
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_of_article_is_valid_ninjs(client, media_root, kind, version):
    article = kind()

    response = client.get(f"/api/v1/articles/{article.pk}.ninjs", {"version": version})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ninjs+json"
    errors = [error.message for error in VALIDATORS[version].iter_errors(response.json())]
    assert errors == []


def test_ninjs_says_who_wrote_it_what_was_corrected_and_shows_the_image(client, media_root):
    authors, image, corrected = several_authors(), with_image(), with_corrections()

    by = client.get(f"/api/v1/articles/{authors.pk}.ninjs").json()
    picture = client.get(f"/api/v1/articles/{image.pk}.ninjs").json()
    corrections = client.get(f"/api/v1/articles/{corrected.pk}.ninjs").json()
    wire = client.get(f"/api/v1/articles/{credit_line_only().pk}.ninjs").json()

    assert by["by"] == "Ann Lee, Bo Ek and Cy Oh"
    assert [person["name"] for person in by["people"]] == ["Ann Lee", "Bo Ek", "Cy Oh"]
    assert wire["by"] == "Reuters"
    assert "people" not in wire
    association = picture["associations"][0]
    assert association["type"] == "picture"
    assert association["renditions"][0]["href"].startswith("http://testserver/media/")
    assert {"role": "alt", "value": "A rig at sea"} in association["descriptions"]
    assert picture["subjects"][0]["name"] == "Energy"
    roles = [(body["role"], body["value"]) for body in corrections["bodies"]]
    assert ("correction", "A name was wrong.") in roles
    assert ("clarification", "Clarified the date.") in roles


def test_the_article_address_answers_ninjs_by_accept_header_and_varies_by_it(client):
    article = several_authors()

    ninjs = client.get(f"/api/v1/articles/{article.pk}/", headers={"Accept": "application/ninjs+json"})
    plain = client.get(f"/api/v1/articles/{article.pk}/")

    assert ninjs["Content-Type"] == "application/ninjs+json"
    assert ninjs.json()["headlines"][0]["value"] == article.headline
    assert plain.json()["headline"] == article.headline
    assert "Accept" in ninjs["Vary"] and "Accept" in plain["Vary"]


def test_accept_header_negotiation_is_not_mixed_up_by_the_page_cache(client, page_cache):
    article = several_authors()
    url = f"/api/v1/articles/{article.pk}/"
    client.get(url)
    assert "headlines" in client.get(url, headers={"Accept": "application/ninjs+json"}).json()
    assert "headline" in client.get(url).json()


@pytest.mark.parametrize("example", sorted(path.name for path in (FILES / "examples").glob("*.json")))
def test_iptcs_examples_are_valid_against_the_copied_schemas(example):
    version = example.split("_")[0]
    assert list(VALIDATORS[version].iter_errors(json.loads((FILES / "examples" / example).read_text()))) == []
