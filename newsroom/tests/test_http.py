"""What every response gets (newsroom/http.py): a Cache-Control, Vary: Cookie where it depends on
the visitor, no body on HEAD, and Last-Modified on the pages of articles; and under gunicorn
with production settings, HEAD without gunicorn's complaint and static files in brotli."""

import gzip
import http.client
import json
from contextlib import ExitStack
from datetime import timedelta

import brotli
import pytest
from django.core.handlers.base import BaseHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from articles.models import Article, SlugRedirect
from articles.tests.factories import make_article, make_author, make_correction, make_section, make_user
from authors.models import Author
from newsroom.http import NOT_FOUND_SECONDS, PERMANENT_REDIRECT_SECONDS
from newsroom.tests.sample_site import build_sample_site
from newsroom.tests.test_settings import PROD_ENV

from .servers import PROD, production_environment, start_server, wait_until_healthy

PAGE = {"public", "max-age=0", "stale-if-error=86400"}
PRIVATE = {"private", "no-store"}


def directives(response):
    return {directive.strip() for directive in response["Cache-Control"].split(",")}


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}


@pytest.fixture
def site(db, media_root):
    return build_sample_site()


@pytest.fixture
def editor(db):
    client = Client()
    client.force_login(make_user("Editor"))
    return client


# Cache-Control


@pytest.mark.parametrize("page", ["home", "article", "section", "archive", "search", "corrections", "authors"])
def test_public_pages_are_revalidated_on_every_use_whether_or_not_the_page_cache_is_on(client, site, settings, page):
    for seconds in (0, 300):
        settings.PAGE_CACHE_SECONDS = seconds
        response = client.get(site.pages[page])
        assert response.status_code == 200
        assert directives(response) == PAGE, (page, seconds)
        assert response["ETag"]


def test_search_is_revalidated_like_every_page(client, site):
    response = client.get(site.pages["search"])
    assert directives(response) == PAGE
    again = client.get(site.pages["search"], headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_not_found_is_kept_for_a_minute(client, db):
    # Not an image's 404, "no-store" (newsroom/tests/test_media.py): an image may become public any second.
    for url in ("/no-such-page/", "/articles/no-such-story/", "/static/no-such-file.css", "/media/no-such.txt"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert directives(response) == {"public", f"max-age={NOT_FOUND_SECONDS}"}, url


def test_permanent_redirects_are_kept_for_an_hour(client, site):
    SlugRedirect.objects.create(old_slug="oil-up", article=site.lead)
    for url in ("/articles/oil-up/", "/archive"):
        response = client.get(url)
        assert response.status_code == 301, url
        assert directives(response) == {"public", f"max-age={PERMANENT_REDIRECT_SECONDS}"}, url


def test_the_admin_is_never_stored(client, editor):
    login = client.get(reverse("admin:login"))
    to_login = client.get(reverse("admin:index"))
    index = editor.get(reverse("admin:index"))
    changelist = editor.get(reverse("admin:articles_article_changelist"))

    assert to_login.status_code == 302
    for response in (login, to_login, index, changelist):
        assert directives(response) >= PRIVATE
        assert "cookie" in vary(response)


def test_logged_in_readers_get_private_pages_identical_to_the_public_ones(client, editor, site):
    for page in ("home", "article", "archive", "search"):
        url = site.pages[page]
        public, private = client.get(url), editor.get(url)
        assert directives(public) == PAGE
        assert directives(private) == PRIVATE
        assert private.content == public.content


def test_writes_and_refusals_are_never_stored(client, db):
    write = client.post(reverse("articles:search"))
    assert write.status_code == 405
    assert directives(write) == PRIVATE
    refused = client.get("/", headers={"host": "attacker.example"})
    assert refused.status_code == 400
    assert directives(refused) == {"no-store"}


@override_settings(ROOT_URLCONF="newsroom.tests.urls_error")
def test_server_errors_are_never_stored():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert directives(response) == {"no-store"}


def test_a_cache_control_set_by_the_view_is_kept(client, db):
    assert directives(client.get(reverse("ticker"))) == {"public", "max-age=15"}
    assert "no-store" in directives(client.get(reverse("healthz")))


def test_static_files_carry_whitenoises_cache_control(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "public" in directives(response)


def test_a_304_carries_the_cache_control_of_the_page(client, site):
    first = client.get(site.pages["section"])
    response = client.get(site.pages["section"], headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert directives(response) == PAGE


# HEAD


def through_the_middleware(request):
    """The response as the WSGI server gets it: every middleware, no test client emulation."""
    handler = BaseHandler()
    handler.load_middleware()
    response = handler.get_response(request)
    body = b"".join(response) if response.streaming else response.content
    # Closing a response ends the request, which would close the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return response, body


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/", {}),
        ("/", {"accept-encoding": "br"}),
        ("article", {"accept-encoding": "gzip"}),
        ("/sitemap.xml", {}),
        ("/no-such-page/", {}),
        ("/static/css/site.css", {}),
        ("image", {}),
    ],
)
def test_head_has_the_headers_of_get_and_no_body(site, url, headers):
    url = {"article": site.pages["article"], "image": site.lead.lead_image.url}.get(url, url)
    get, get_body = through_the_middleware(RequestFactory().get(url, headers=headers))
    head, head_body = through_the_middleware(RequestFactory().head(url, headers=headers))

    assert get_body
    assert head_body == b""
    assert head.status_code == get.status_code
    for header in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Vary", "Cache-Control"):
        assert head.get(header) == get.get(header), header
    assert int(head["Content-Length"]) == len(get_body)


# Last-Modified


def last_modified(response):
    return parse_http_date(response["Last-Modified"])


def test_an_article_page_says_when_the_article_last_changed(client, db):
    author = make_author(name="Ann Lee")
    story = make_article(headline="Oil falls", authors=[author], published_at=timezone.now() - timedelta(days=2))
    edited = timezone.now() - timedelta(days=1)
    Article.objects.filter(pk=story.pk).update(updated_at=edited)
    Author.objects.filter(pk=author.pk).update(updated_at=timezone.now() - timedelta(days=3))
    url = story.get_absolute_url()

    assert last_modified(client.get(url)) == pytest.approx(edited.timestamp(), abs=1)

    corrected = timezone.now() - timedelta(hours=2)
    make_correction(story, text="The price was in dollars.", published_at=corrected)
    assert last_modified(client.get(url)) == pytest.approx(corrected.timestamp(), abs=1)

    author.bio = "Ann covers oil."
    author.save()
    assert last_modified(client.get(url)) == pytest.approx(
        Author.objects.get(pk=author.pk).updated_at.timestamp(), abs=1
    )


def test_if_modified_since_answers_304_until_the_article_changes(client, db):
    story = make_article(headline="Oil falls")
    Article.objects.filter(pk=story.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    url = story.get_absolute_url()
    stamp = client.get(url)["Last-Modified"]

    assert client.get(url, headers={"if-modified-since": stamp}).status_code == 304

    story.refresh_from_db()
    story.headline = "Oil falls further"
    story.save()
    response = client.get(url, headers={"if-modified-since": stamp})
    assert response.status_code == 200
    assert "Oil falls further" in response.text


def test_lists_say_when_their_newest_shown_article_changed(client, db):
    energy = make_section(name="Energy", slug="energy")
    author = make_author(name="Ann Lee")
    now = timezone.now()
    old = make_article(headline="Older", section=energy, authors=[author], published_at=now - timedelta(days=3))
    make_article(headline="Newer", section=energy, authors=[author], published_at=now - timedelta(days=2))
    Article.objects.update(updated_at=now - timedelta(days=5))
    newest = (now - timedelta(days=2)).timestamp()

    for url in ("/", energy.get_absolute_url(), "/archive/", author.get_absolute_url()):
        assert last_modified(client.get(url)) == pytest.approx(newest, abs=1), url

    # An edit to an older article shown on the page counts too.
    Article.objects.filter(pk=old.pk).update(updated_at=now - timedelta(hours=1))
    for url in ("/", energy.get_absolute_url(), "/archive/", author.get_absolute_url()):
        assert last_modified(client.get(url)) == pytest.approx(newest + 86_400 * 2 - 3600, abs=1), url


def test_an_empty_list_has_no_last_modified(client, db):
    assert "Last-Modified" not in client.get("/")
    assert "Last-Modified" not in client.get("/archive/?q=nothing")


def test_last_modified_is_never_in_the_future(client, db):
    story = make_article(headline="Oil falls")
    Article.objects.filter(pk=story.pk).update(updated_at=timezone.now() + timedelta(days=1))
    assert last_modified(client.get(story.get_absolute_url())) <= timezone.now().timestamp()


def test_a_page_from_the_page_cache_keeps_its_last_modified(client, site, page_cache):
    first = client.get(site.pages["article"])
    again = client.get(site.pages["article"])
    assert again["Last-Modified"] == first["Last-Modified"]


PLAIN_HTTP = """
import django, json; django.setup()
from django.test import Client
response = Client().get("/healthz", headers={"host": "news.example.com"})
print(json.dumps({"status": response.status_code, "location": response["Location"],
                  "cache": response["Cache-Control"]}))
"""


def test_the_redirect_to_https_is_kept_for_an_hour(run_django):
    """Made by SecurityMiddleware, before any view: the Cache-Control comes from further out."""
    result = run_django(code=PLAIN_HTTP, env=PROD_ENV, settings=PROD)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "status": 301,
        "location": "https://news.example.com/healthz",
        "cache": f"public, max-age={PERMANENT_REDIRECT_SECONDS}",
    }


# Under gunicorn, with production settings


def request(port, method, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


HEAD_PATHS = ["/", "/healthz", "/sitemap.xml", "/no-such-page/", "/static/css/site.css", "/robots.txt"]
NO_BODY_COMPLAINT = "body bytes on a no-body response"


@pytest.fixture
def production(scratch_database, static_root, tmp_path, run_django):
    environment = production_environment(
        database_url=scratch_database(), static_root=static_root, media_root=tmp_path / "media"
    )
    migrated = run_django("migrate", "--noinput", env=environment, settings=PROD)
    assert migrated.returncode == 0, migrated.stderr
    return environment


def serve(stack, environment, log):
    server, port = start_server(stack, environment, log, workers=1)
    wait_until_healthy(server, port, log)
    return port


def test_gunicorn_logs_no_complaint_about_head(production, tmp_path):
    with ExitStack() as stack:
        # The same server without HeadMiddleware complains, so the check below can fail.
        without = {**production, "DJANGO_SETTINGS_MODULE": "newsroom.tests.settings_without_head"}
        port = serve(stack, without, tmp_path / "without.log")
        for path in HEAD_PATHS:
            request(port, "HEAD", path, {"accept-encoding": "br"})
        port = serve(stack, production, tmp_path / "with.log")
        answers = {path: request(port, "HEAD", path, {"accept-encoding": "br"}) for path in HEAD_PATHS}
        gets = {path: request(port, "GET", path, {"accept-encoding": "br"}) for path in HEAD_PATHS}
    assert NO_BODY_COMPLAINT in (tmp_path / "without.log").read_text()
    assert NO_BODY_COMPLAINT not in (tmp_path / "with.log").read_text()
    for path, (status, headers, body) in answers.items():
        assert body == b""
        assert status == gets[path][0], path
        assert headers.get("Content-Length") == gets[path][1].get("Content-Length"), path
        assert headers.get("Content-Encoding") == gets[path][1].get("Content-Encoding"), path


def test_gunicorn_serves_static_files_in_brotli(production, static_root, tmp_path):
    with ExitStack() as stack:
        port = serve(stack, production, tmp_path / "gunicorn.log")
        br = request(port, "GET", "/static/css/site.css", {"accept-encoding": "br"})
        gz = request(port, "GET", "/static/css/site.css", {"accept-encoding": "gzip"})
        plain = request(port, "GET", "/static/css/site.css")
        page = request(port, "GET", "/", {"accept-encoding": "gzip, deflate, br"})
    original = (static_root / "css" / "site.css").read_bytes()
    status, headers, body = br
    assert (status, headers["Content-Encoding"]) == (200, "br")
    assert brotli.decompress(body) == original
    assert "Accept-Encoding" in headers["Vary"]
    assert "public" in headers["Cache-Control"]
    assert gz[1]["Content-Encoding"] == "gzip" and gzip.decompress(gz[2]) == original
    assert "Content-Encoding" not in plain[1] and plain[2] == original
    assert page[1]["Content-Encoding"] == "br"
    assert page[1]["Cache-Control"] == "public, max-age=0, stale-if-error=86400"


# Messages (newsroom.http.MessageMiddleware: their storage is made only when used)


@pytest.mark.django_db
def test_an_editors_message_reaches_the_next_page_and_a_public_page_leaves_it_waiting(client):
    client.force_login(make_user("Editor"))
    section = make_section(name="Energy", slug="energy")
    url = reverse("admin:articles_section_change", args=[section.pk])
    data = {"name": "Energy and power", "slug": "energy", "description": "", "order": 0}

    saved = client.post(url, data)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    waiting = client.cookies["messages"].value
    # A public page neither shows nor spends it.
    public = client.get("/")
    assert "messages" not in public.cookies
    assert client.cookies["messages"].value == waiting
    # The admin page the editor goes to next shows it, once.
    shown = client.get(saved["Location"])
    assert "Energy and power" in shown.text and "was changed successfully" in shown.text
    assert "was changed successfully" not in client.get(saved["Location"]).text
