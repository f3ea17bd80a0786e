"""Brute force on the admin login: a username is locked out from one address after five failures,
for a cool-off, and the client address cannot be forged past the trusted proxies."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from articles.tests.factories import make_user
from newsroom.proxies import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def log_in(client, username, password, address=HOME, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, address=HOME, **headers):
    for _ in range(times):
        log_in(client, username, "wrong-password", address, **headers)


def assert_locked_out(response):
    assert response.status_code == 429
    assert "Too many login attempts" in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


def assert_logged_in(response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.fixture
def editor():
    return make_user("Editor", password=PASSWORD)


def test_four_failures_still_let_the_right_password_in(client, editor):
    fail(client, editor.username, 4)
    assert_logged_in(log_in(client, editor.username, PASSWORD))


def test_fifth_failure_shows_the_lockout_page(client, editor):
    fail(client, editor.username, 4)
    assert_locked_out(log_in(client, editor.username, "wrong-password"))


def test_locked_out_username_is_refused_even_with_the_right_password(client, editor):
    fail(client, editor.username, 5)
    assert_locked_out(log_in(client, editor.username, PASSWORD))


def test_lockout_holds_only_for_that_username_from_that_address(client, editor):
    other = make_user("Editor", password=PASSWORD)
    fail(client, editor.username, 5)
    assert_logged_in(log_in(client, editor.username, PASSWORD, address=ELSEWHERE))
    client.logout()
    assert_logged_in(log_in(client, other.username, PASSWORD))


def test_lockout_holds_through_the_cool_off(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, editor.username, 5)
        clock.shift(timedelta(minutes=14))
        assert_locked_out(log_in(client, editor.username, PASSWORD))


def test_lockout_ends_after_the_cool_off(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, editor.username, 5)
        clock.shift(timedelta(minutes=15, seconds=1))
        assert_logged_in(log_in(client, editor.username, PASSWORD))


def test_success_resets_the_failure_count(client, editor):
    fail(client, editor.username, 4)
    assert_logged_in(log_in(client, editor.username, PASSWORD))
    client.logout()
    fail(client, editor.username, 4)
    assert_logged_in(log_in(client, editor.username, PASSWORD))


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(client, editor):
    fail(client, editor.username, 5, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    forged = log_in(client, editor.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert_locked_out(forged)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_the_address_it_forwarded(client, editor):
    proxy = "10.0.0.1"
    fail(client, editor.username, 5, address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert_locked_out(log_in(client, editor.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME))
    # The client cannot escape by prepending an address of its own choosing: the proxy appends.
    spoofed = f"192.0.2.1, {HOME}"
    assert_locked_out(log_in(client, editor.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=spoofed))
    assert_logged_in(log_in(client, editor.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE))


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, HOME, "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, HOME, HOME),
        (1, f"192.0.2.1, {HOME}", HOME),
        (2, f"192.0.2.1, {HOME}, 10.0.0.2", HOME),
        (2, HOME, "10.0.0.1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxy_count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxy_count
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)
    assert client_address(request) == expected


def test_password_of_eleven_characters_is_rejected():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        password_validation.validate_password("kq7-vbm-x2z")


@pytest.mark.parametrize("password", ["kq7-vbm-x2zw", "correct horse battery staple"])
def test_password_of_twelve_or_more_characters_is_accepted(password):
    assert password_validation.validate_password(password) is None


def test_admin_password_change_enforces_the_policy(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "kq7-vbm-x2z", "new_password2": "kq7-vbm-x2z"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
