"""API keys and the rate limit: keyless reads are limited per client address (behind trusted
proxies), keys lift the limit, are shown once, stored hashed and can be revoked; only site
administrators manage them."""

import pytest
from django.urls import reverse

from api.keys import digest, issue_key
from api.models import ApiKey
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    make_article()
    return 3


def get(client, key=None, address="10.0.0.1", forwarded=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return client.get("/api/v1/articles/", headers=headers, REMOTE_ADDR=address)


def test_keyless_requests_are_limited_per_client_address(client, limit):
    assert [get(client).status_code for _ in range(limit)] == [200] * limit
    refused = get(client)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert get(client, address="10.0.0.2").status_code == 200


def test_the_limit_counts_the_client_behind_trusted_proxies_only(client, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(limit):
        get(client, address="192.0.2.1", forwarded="203.0.113.9")
    assert get(client, address="192.0.2.1", forwarded="203.0.113.9").status_code == 429
    # A forged entry to the left of the proxy's is not the client.
    assert get(client, address="192.0.2.1", forwarded="1.2.3.4, 203.0.113.9").status_code == 429
    assert get(client, address="192.0.2.1", forwarded="203.0.113.10").status_code == 200


def test_cached_responses_count_against_the_limit_too(client, limit, page_cache):
    for _ in range(limit):
        get(client)
    assert get(client).status_code == 429


def test_a_key_lifts_the_limit_until_it_is_revoked(client, limit):
    row, key = issue_key(name="App")
    assert [get(client, key).status_code for _ in range(limit + 5)] == [200] * (limit + 5)
    ApiKey.objects.filter(pk=row.pk).update(revoked_at="2026-01-01T00:00:00Z")
    refused = get(client, key)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Unknown or revoked API key."}


def test_an_unknown_key_is_refused_not_served_as_anonymous(client, limit):
    assert get(client, "nrk_made-up").status_code == 401
    assert client.get("/api/v1/articles/", headers={"X-API-Key": "nrk_made-up"}).status_code == 401


def test_a_key_is_stored_only_as_its_digest(limit):
    row, key = issue_key(name="App")
    stored = ApiKey.objects.values().get(pk=row.pk)
    assert key not in str(stored)
    assert stored["digest"] == digest(key)
    assert key.startswith(stored["prefix"])


def test_the_admin_shows_a_new_key_once(admin_client):
    response = admin_client.post(reverse("admin:api_apikey_add"), {"name": "Partner"})
    row = ApiKey.objects.get(name="Partner")
    key = response.context["key"]
    assert key in response.text and "shown only this once" in response.text
    assert digest(key) == row.digest
    again = admin_client.get(reverse("admin:api_apikey_change", args=[row.pk]))
    assert key not in again.text


def test_the_admin_revokes_keys(admin_client, client, limit):
    row, key = issue_key(name="App")
    admin_client.post(reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [row.pk]})
    assert ApiKey.objects.get(pk=row.pk).revoked_at is not None
    assert get(client, key).status_code == 401
