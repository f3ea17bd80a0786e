"""Every view that takes ``next=`` (the admin's login and logout; the project has no other)
redirects only within the site, however the target is disguised: a rejected target falls back to
the admin index after login and to the logged-out page after logout."""

from urllib.parse import urlencode

import pytest

from articles.tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
OFF_SITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https://testserver@evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
SAME_SITE = "/admin/articles/"
ADMIN_INDEX = "/admin/"


@pytest.fixture
def editor():
    return make_user("Editor", password=PASSWORD)


def log_in(client, user, next_url, where):
    credentials = {"username": user.username, "password": PASSWORD}
    if where == "query":
        return client.post(f"/admin/login/?{urlencode({'next': next_url})}", credentials)
    return client.post("/admin/login/", {**credentials, "next": next_url})


@pytest.mark.parametrize("where", ["query", "form"])
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_never_redirects_off_site(client, editor, next_url, where):
    response = log_in(client, editor, next_url, where)
    assert "_auth_user_id" in client.session
    assert response.status_code == 302
    assert response["Location"] == ADMIN_INDEX


@pytest.mark.parametrize("where", ["query", "form"])
def test_login_follows_a_same_site_next(client, editor, where):
    response = log_in(client, editor, SAME_SITE, where)
    assert response.status_code == 302
    assert response["Location"] == SAME_SITE


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_page_for_a_signed_in_editor_never_redirects_off_site(client, editor, next_url):
    client.force_login(editor)
    response = client.get(f"/admin/login/?{urlencode({'next': next_url})}")
    assert response.status_code == 302
    assert response["Location"] == ADMIN_INDEX


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logout_form_never_redirects_off_site(client, editor, next_url):
    client.force_login(editor)
    response = client.post("/admin/logout/", {"next": next_url})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "Logged out" in response.text


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logout_link_never_redirects_off_site(client, editor, next_url):
    client.force_login(editor)
    response = client.post(f"/admin/logout/?{urlencode({'next': next_url})}")
    assert "_auth_user_id" not in client.session
    # Django drops the rejected query and sends the browser back to the bare logout address.
    assert response.status_code == 302
    assert response["Location"] == "/admin/logout/"


def test_logout_follows_a_same_site_next(client, editor):
    client.force_login(editor)
    response = client.post("/admin/logout/", {"next": SAME_SITE})
    assert response.status_code == 302
    assert response["Location"] == SAME_SITE


def test_a_signed_out_visit_sends_back_to_the_same_page_after_login(client, editor):
    response = client.get(SAME_SITE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={SAME_SITE}"
    assert log_in(client, editor, SAME_SITE, "query")["Location"] == SAME_SITE
