"""The edge purge backends (newsroom/edge/backends) against a real HTTP server on loopback that
stands in for each CDN's API or for Varnish: the requests they make, and how they batch."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.edge.backends import CloudflareBackend, FastlyBackend, VarnishBackend, load
from newsroom.edge.backends.base import MAX_REQUESTS, EdgePurgeError

from .recorder import Recorder

CLOUDFLARE_OK = json.dumps({"success": True, "errors": [], "messages": [], "result": {"id": "purge"}}).encode()


@pytest.fixture
def api():
    recorder = Recorder().start()
    yield recorder
    recorder.stop()


def tags(count):
    return {f"card:{number}" for number in range(count)}


# Fastly


def fastly(api, **options):
    return FastlyBackend(
        {"SERVICE_ID": "SU1Z0isxPaozGVKXdv0eY", "API_TOKEN": "fastly-token", "API_URL": api.url, **options}
    )


def test_fastly_purges_surrogate_keys_in_one_request(api):
    fastly(api).purge({"card:12", "article:12", "list:latest"})

    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge")
    assert request.headers["Surrogate-Key"] == "article:12 card:12 list:latest"
    assert request.headers["Fastly-Key"] == "fastly-token"
    assert "Fastly-Soft-Purge" not in request.headers


def test_fastly_soft_purge_marks_pages_stale(api):
    fastly(api, SOFT_PURGE=True).purge({"article:12"})
    assert api.requests[0].headers["Fastly-Soft-Purge"] == "1"


def test_fastly_sends_at_most_256_keys_a_request(api):
    fastly(api).purge(tags(300))
    assert [len(request.headers["Surrogate-Key"].split()) for request in api.requests] == [256, 44]
    assert {request.path for request in api.requests} == {"/service/SU1Z0isxPaozGVKXdv0eY/purge"}


@pytest.mark.parametrize("purged", [{"*"}, tags(256 * MAX_REQUESTS + 1)], ids=["everything", "too-many-tags"])
def test_fastly_purges_everything_in_one_request(api, purged):
    fastly(api, SOFT_PURGE=True).purge(purged)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge_all")
    assert request.headers["Fastly-Key"] == "fastly-token"


def test_fastly_refusing_a_purge_is_an_error(api):
    api.status = 401
    with pytest.raises(EdgePurgeError, match="401"):
        fastly(api).purge({"article:12"})


# Cloudflare


def cloudflare(api):
    return CloudflareBackend(
        {"ZONE_ID": "023e105f4ecef8ad9ca31a8372d0c353", "API_TOKEN": "cf-token", "API_URL": api.url}
    )


def test_cloudflare_purges_cache_tags(api):
    api.body = CLOUDFLARE_OK
    cloudflare(api).purge({"card:12", "article:12"})

    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache")
    assert request.headers["Authorization"] == "Bearer cf-token"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"tags": ["article:12", "card:12"]}


def test_cloudflare_gets_at_most_30_tags_a_request(api):
    api.body = CLOUDFLARE_OK
    cloudflare(api).purge(tags(65))

    batches = [json.loads(request.body)["tags"] for request in api.requests]
    assert [len(batch) for batch in batches] == [30, 30, 5]
    assert {tag for batch in batches for tag in batch} == tags(65)


@pytest.mark.parametrize("purged", [{"*", "card:1"}, tags(30 * MAX_REQUESTS + 1)], ids=["everything", "too-many-tags"])
def test_cloudflare_purges_everything_in_one_request(api, purged):
    api.body = CLOUDFLARE_OK
    cloudflare(api).purge(purged)

    [request] = api.requests
    assert json.loads(request.body) == {"purge_everything": True}


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, json.dumps({"success": False, "errors": [{"code": 1134, "message": "Not entitled"}]}).encode()),
        (200, b"<html>gateway</html>"),
        (403, json.dumps({"success": False, "errors": [{"code": 10000, "message": "Authentication"}]}).encode()),
    ],
    ids=["refused", "not-json", "forbidden"],
)
def test_cloudflare_not_confirming_a_purge_is_an_error(api, status, body):
    api.status, api.body = status, body
    with pytest.raises(EdgePurgeError):
        cloudflare(api).purge({"article:12"})


# Varnish


def test_varnish_gets_a_purge_request_on_every_server(api):
    second = Recorder().start()
    try:
        VarnishBackend({"SERVERS": [api.url, second.url + "/"]}).purge({"card:12", "article:12"})
    finally:
        second.stop()

    for server in (api, second):
        [request] = server.requests
        assert (request.method, request.path) == ("PURGE", "/")
        assert request.headers["xkey-purge"] == "article:12 card:12"


def test_varnish_everything_is_a_purge_of_star(api):
    VarnishBackend({"SERVERS": [api.url]}).purge({"*"})
    assert api.requests[0].headers["xkey-purge"] == "*"


def test_one_varnish_down_does_not_keep_the_others_from_purging(api):
    gone = Recorder().start()
    gone.stop()  # nothing listens there any more
    backend = VarnishBackend({"SERVERS": [gone.url, api.url], "TIMEOUT": 1})

    with pytest.raises(EdgePurgeError, match=gone.url):
        backend.purge({"article:12"})
    assert len(api.requests) == 1


def test_a_purge_gives_up_after_the_timeout(api):
    api.delay = 3
    backend = VarnishBackend({"SERVERS": [api.url], "TIMEOUT": 0.3})
    with pytest.raises(EdgePurgeError, match="timed out"):
        backend.purge({"article:12"})


# Configuration


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"BACKEND": "newsroom.edge.backends.NoSuchBackend"}, "no backend"),
        ({"BACKEND": "newsroom.edge.backends.VarnishBackend"}, "needs SERVERS"),
        ({"BACKEND": "newsroom.edge.backends.VarnishBackend", "SERVERS": ["varnish:6081"]}, "not an http"),
        ({"BACKEND": "newsroom.edge.backends.FastlyBackend", "SERVICE_ID": "x"}, "needs API_TOKEN"),
        ({"BACKEND": "newsroom.edge.backends.CloudflareBackend", "API_TOKEN": "x"}, "needs ZONE_ID"),
    ],
)
def test_a_backend_configured_wrongly_is_refused(config, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load([config])
