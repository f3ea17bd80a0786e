"""Security headers: the Content Security Policy on every kind of response, and the headers and
cookie flags that production settings add."""

import json

import pytest
from django.urls import reverse

from articles.tests.factories import make_user
from breaking.tests.factories import make_ticker_item
from newsroom.tests.sample_site import build_sample_site
from newsroom.tests.test_settings import PROD_ENV

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def directives(response):
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


@pytest.mark.django_db
def test_every_public_page_type_carries_the_policy(client, media_root):
    site = build_sample_site()
    make_ticker_item(text="Storm warning")
    paths = [*site.pages.values(), reverse("ticker"), reverse("healthz")]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert directives(response) == POLICY, path


@pytest.mark.django_db
def test_admin_login_carries_the_policy(client):
    assert directives(client.get(reverse("admin:login"))) == POLICY


@pytest.mark.django_db
def test_article_form_allows_only_its_own_nonce_and_the_editor_stylesheet(client, media_root):
    article = build_sample_site().lead
    client.force_login(make_user("Editor"))
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    policy = directives(response)
    nonce = response.wsgi_request.csp_nonce
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["style-src"].startswith("'self' 'sha256-")
    assert f'<script type="importmap" nonce="{nonce}">' in response.text
    assert {**policy, "script-src": "'self'", "style-src": "'self'"} == POLICY


@pytest.mark.django_db
def test_other_admin_forms_keep_the_strict_policy(client):
    client.force_login(make_user("Editor"))
    response = client.get(reverse("admin:breaking_tickeritem_add"))
    assert response.status_code == 200
    assert directives(response) == POLICY


@pytest.mark.django_db
def test_the_policy_built_once_follows_the_settings(client, settings):
    # The site's policy is built once per process (newsroom.http.CSPMiddleware), and again
    # when the settings change.
    assert directives(client.get(reverse("healthz"))) == POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    response = client.get(reverse("healthz"))

    assert directives(response) == {**POLICY, "img-src": "'self'"}
    assert response.headers["Content-Security-Policy-Report-Only"] == "default-src 'none'"


@pytest.mark.django_db
def test_a_nonce_asked_for_after_the_policy_is_written_is_refused(client):
    from csp.exceptions import CSPNonceError

    response = client.get(reverse("healthz"))

    with pytest.raises(CSPNonceError):
        str(response.wsgi_request.csp_nonce)
    assert not response.wsgi_request.csp_nonce


PROD_RESPONSES = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
get_user_model().objects.create_user("editor", password="a-long-test-password", is_staff=True)
client = Client(HTTP_HOST="news.example.com")
health = client.get("/healthz", secure=True)
login = client.post("/admin/login/", {"username": "editor", "password": "a-long-test-password"}, secure=True)
print(json.dumps({
    "headers": dict(health.headers),
    "login_status": login.status_code,
    "cookies": {name: morsel.OutputString() for name, morsel in login.cookies.items()},
}))
"""


def test_production_sends_security_headers_and_guarded_cookies(run_django, tmp_path):
    env = {**PROD_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = run_django(code=PROD_RESPONSES, env=env, settings="newsroom.settings.prod")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    headers = shown["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert shown["login_status"] == 302
    assert set(shown["cookies"]) == {"sessionid", "csrftoken", "newsroom_staff"}
    for cookie in shown["cookies"].values():
        flags = {flag.strip().lower() for flag in cookie.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= flags, cookie
