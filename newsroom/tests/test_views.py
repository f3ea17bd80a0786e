import json
import socket

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from newsroom.tests.test_settings import PROD_ENV

pytestmark = pytest.mark.django_db


def test_home_says_there_are_no_articles_yet(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "The newsroom has no articles yet." in response.text


def test_healthz_reports_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


HEALTH_CHECK = """
import django, json; django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json(),
                  "cache": response["Cache-Control"]}))
"""


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/newsroom", "sqlite:////nonexistent-folder/db.sqlite3"],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_healthz_reports_503_when_the_database_is_unreachable(run_django, database_url):
    result = run_django(code=HEALTH_CHECK, env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["status"] == 503
    assert shown["body"] == {"status": "error", "reason": "database unavailable"}
    assert "no-cache" in shown["cache"]


PROBE_SILENT_DATABASE = """
import django, json, threading, time; django.setup()
from django.test import Client
from django.urls import resolve
# What a first request loads (the URLconf, the views, the middleware) is loaded beforehand: the
# timings are the check's alone, however slow the machine is to import them.
resolve("/healthz")
client = Client()
client.handler.load_middleware()
timings = []
for _ in range(4):
    started = time.monotonic()
    response = client.get("/healthz")
    timings.append((response.status_code, time.monotonic() - started))
probes = [thread for thread in threading.enumerate() if thread.name == "database-probe"]
print(json.dumps({"timings": timings, "probes": len(probes)}))
"""


def test_healthz_answers_503_within_two_seconds_when_the_database_never_answers(run_django):
    """A server that accepts connections and then says nothing (frozen, or behind a network
    that drops its replies): libpq alone would wait out its connect timeout, or TCP's."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = run_django(code=PROBE_SILENT_DATABASE, env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/x"})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert [status for status, _ in shown["timings"]] == [503] * 4
    assert max(seconds for _, seconds in shown["timings"]) < 2
    assert shown["probes"] <= 1


def test_missing_page_shows_the_404_template(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


@override_settings(ROOT_URLCONF="newsroom.tests.urls_error")
def test_server_error_shows_the_500_page_without_details():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "ZeroDivisionError" not in response.text
    assert "secret internal detail" not in response.text


@override_settings(ROOT_URLCONF="newsroom.tests.urls_error")
def test_an_unreachable_database_shows_the_503_page_without_details():
    response = Client(raise_request_exception=False).get("/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Temporarily unavailable" in response.text
    assert "OperationalError" not in response.text
    assert "10.0.0.5" not in response.text and "secret internal detail" not in response.text


PAGE_WITHOUT_DATABASE = """
import django, json; django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/", secure=True, headers={"host": "news.example.com"})
print(json.dumps({"status": response.status_code, "retry": response.get("Retry-After"),
                  "body": response.content.decode()}))
"""


def test_pages_answer_503_when_the_database_is_unreachable(run_django):
    result = run_django(
        code=PAGE_WITHOUT_DATABASE,
        env={**PROD_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/newsroom"},
        settings="newsroom.settings.prod",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert (shown["status"], shown["retry"]) == (503, "30")
    assert "Temporarily unavailable" in shown["body"]
    assert "127.0.0.1" not in shown["body"] and "Traceback" not in shown["body"]


SERVE_STATIC = """
import django, json; django.setup()
from django.core.management import call_command
from django.templatetags.static import static
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
url = static("css/site.css")
response = Client().get(url, secure=True)
body = b"".join(response.streaming_content) if response.streaming else response.content
print(json.dumps({"url": url, "status": response.status_code, "type": response["Content-Type"],
                  "cache": response.get("Cache-Control", ""), "body": body.decode()[:200]}))
"""


def test_whitenoise_serves_hashed_static_files_under_production(run_django, tmp_path):
    result = run_django(
        code=SERVE_STATIC,
        env={**PROD_ENV, "STATIC_ROOT": str(tmp_path)},
        settings="newsroom.settings.prod",
        timeout=180,  # collectstatic
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["status"] == 200
    assert shown["url"].startswith("/static/css/site.") and shown["url"] != "/static/css/site.css"
    assert shown["type"].startswith("text/css")
    assert "immutable" in shown["cache"]
    assert "--ink" in shown["body"]


@override_settings(DEBUG=True)
def test_ensure_admin_creates_one_administrator_once(capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    assert "Created administrator 'admin' with password: " in first
    password = first.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    call_command("ensure_admin")
    assert capsys.readouterr().out == ""
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    admin.refresh_from_db()
    assert admin.check_password(password)


@override_settings(DEBUG=True)
def test_ensure_admin_leaves_an_existing_superuser_alone(capsys):
    get_user_model().objects.create_superuser("chief", password="a-long-password-1")
    call_command("ensure_admin")
    assert capsys.readouterr().out == ""
    assert not get_user_model().objects.filter(username="admin").exists()


def test_ensure_admin_refuses_outside_development():
    with pytest.raises(CommandError, match="only runs in development"):
        call_command("ensure_admin")
    assert not get_user_model().objects.exists()
