"""The OpenAPI schema at /api/v1/schema/ is a valid OpenAPI 3.1 document whose schemas are valid
JSON Schema, and every endpoint's real responses match what it says."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from articles.tests.factories import make_article, make_author, make_correction, make_section
from breaking.tests.factories import make_live_story, make_ticker_item
from newsroom.tests.uploads import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_document(schema):
    validate(schema)  # raises, naming the place, on anything the OpenAPI 3.1 specification forbids


def test_schema_is_openapi_3_1_with_valid_json_schemas(schema):
    assert schema["openapi"].startswith("3.1")
    assert {"title", "version"} <= set(schema["info"])
    for name, component in schema["components"]["schemas"].items():
        Draft202012Validator.check_schema(component), name
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/")
        assert set(operations) == {"get"}, f"{path} offers a write"
        for response in operations["get"]["responses"].values():
            for content in response.get("content", {}).values():
                Draft202012Validator.check_schema(content["schema"])


def test_docs_page_is_served_with_local_assets(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower()


@pytest.fixture
def site(media_root):
    section = make_section(name="Energy", slug="energy")
    author = make_author(name="Ann Lee", bio="Covers oil.")
    article = make_article(
        headline="Oil falls",
        section=section,
        authors=[author],
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="A rig",
    )
    make_article(credit_line="Reuters")
    make_correction(article)
    make_ticker_item(article=article)
    make_ticker_item(url="https://example.com/")
    make_ticker_item(live_story=make_live_story())
    return {"article": article, "author": author, "section": section}


def urls_for(site):
    return {
        "/api/v1/articles/": "/api/v1/articles/?limit=1",
        "/api/v1/articles/{article_id}/": f"/api/v1/articles/{site['article'].pk}/?body=text",
        "/api/v1/articles/by-slug/{slug}/": "/api/v1/articles/by-slug/oil-falls/",
        "/api/v1/authors/": "/api/v1/authors/",
        "/api/v1/authors/{author_id}/": f"/api/v1/authors/{site['author'].pk}/",
        "/api/v1/sections/": "/api/v1/sections/",
        "/api/v1/sections/{section_id}/": f"/api/v1/sections/{site['section'].pk}/",
        "/api/v1/corrections/": "/api/v1/corrections/",
        "/api/v1/ticker/": "/api/v1/ticker/",
    }


def test_every_json_endpoint_answers_as_its_schema_says(client, schema, site):
    urls = urls_for(site)
    json_paths = {
        path
        for path, operations in schema["paths"].items()
        if "application/json" in operations["get"]["responses"]["200"].get("content", {})
    }
    assert json_paths == set(urls), "every JSON endpoint is tried here"
    for path, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        described = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**described, "components": schema["components"]})
        assert [error.message for error in validator.iter_errors(response.json())] == [], url
