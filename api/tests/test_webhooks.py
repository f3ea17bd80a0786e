"""Webhooks with real parts: a receiver HTTP server on loopback that verifies each signature with
the Standard Webhooks reference library, and the worker (`manage.py worker`) in processes of its
own, on the test database."""

import io
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from api.models import Event, WebhookDelivery, WebhookEvent, WebhookSubscription
from articles.models import Article, Correction
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author
from articles.tests.test_import_seeds import page, write
from breaking.models import TickerItem

BASE_DIR = settings.BASE_DIR


class Receiver:
    """A webhook endpoint on loopback. ``answers`` are the status codes of successive requests
    (then 200); a "hang" answer waits ``hang_seconds`` before answering 200. Keeps each verified
    delivery by webhook-id, as a receiver that de-duplicates would."""

    def __init__(self, secret, answers=(), hang_seconds=30):
        self.webhook = Webhook(secret)
        self.answers = list(answers)
        self.hang_seconds = hang_seconds
        self.requests = []  # (webhook-id, verified body or None, time)
        self.unique = {}
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    message = receiver.webhook.verify(body, dict(self.headers))
                # Any verification failure is a refusal.
                except Exception:
                    message = None
                receiver.requests.append((self.headers.get("webhook-id"), message, time.monotonic()))
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer == "hang":
                    receiver.arrived.set()
                    time.sleep(receiver.hang_seconds)
                    answer = 200
                if message is None:
                    answer = 400
                elif answer == 200:
                    receiver.unique.setdefault(self.headers["webhook-id"], message)
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def database_url():
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    return f"postgres://{config['USER']}@{config['HOST']}:{config['PORT']}/{config['NAME']}"


@pytest.fixture
def start_worker():
    """Start `manage.py worker` processes on the test database; all stopped afterwards."""
    workers = []

    def start(**settings_env):
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
            "DATABASE_URL": database_url(),
            "WEBHOOK_FIRST_RETRY_SECONDS": "0.2",
            "WEBHOOK_TIMEOUT_SECONDS": "1",
            "WEBHOOK_SWEEP_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            **settings_env,
        }
        command = [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=subprocess.DEVNULL)
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def subscribe(url, events=tuple(Event.values)):
    return WebhookSubscription.objects.create(url=url, events=list(events))


# Which changes are events (in one process, the queue left alone)


@pytest.fixture
def subscription(db):
    return subscribe("http://127.0.0.1:9/unused")


def events():
    return list(WebhookEvent.objects.order_by("pk").values_list("type", flat=True))


def test_publishing_updating_correcting_and_unpublishing_are_events(subscription, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(status=Article.Status.DRAFT, credit_line="AP")
    assert events() == []
    article.status = Article.Status.PUBLISHED
    article.save()
    article.headline = "New headline"
    article.save()
    Correction.objects.create(article=article, text="Fixed.")
    article.status = Article.Status.DRAFT
    article.save()
    assert events() == ["article.published", "article.updated", "article.corrected", "article.unpublished"]


def test_saving_a_live_article_unchanged_is_no_update(subscription):
    article = make_article(credit_line="AP")
    article.save()
    assert events() == ["article.published"]


def test_saving_a_draft_of_a_live_article_is_no_update(subscription, login):
    article = make_article(authors=[make_author()], headline="Live words")
    WebhookEvent.objects.all().delete()
    editor = login("Editor")
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor.post(url, {**form_data(editor.get(url)), "headline": "Draft words"})
    assert Article.objects.get(pk=article.pk).headline == "Live words"
    assert events() == []
    editor.post(url, {**form_data(editor.get(url)), "headline": "Draft words", "_publish": "Publish changes"})
    assert events() == ["article.updated"]


def test_an_admin_save_of_article_and_bylines_is_one_event(subscription, login):
    article = make_article(authors=[make_author()])
    WebhookEvent.objects.all().delete()
    editor = login("Editor")
    url = reverse("admin:articles_article_change", args=[article.pk])
    other = make_author(name="Second Author")
    data = {**form_data(editor.get(url)), "headline": "Both", "_publish": "Publish changes"}
    data |= {"bylines-1-author": other.pk, "bylines-1-role": "writer", "bylines-1-order": 1}
    data["bylines-TOTAL_FORMS"] = 2
    editor.post(url, data)
    assert events() == ["article.updated"]


def test_no_event_is_written_without_a_subscription_that_wants_it(db):
    subscribe("http://127.0.0.1:9/", events=[Event.ARTICLE_CORRECTED])
    make_article(credit_line="AP")
    assert events() == []


def test_a_scheduled_article_is_published_by_time(subscription, time_machine):
    article = make_article(credit_line="AP", published_at=timezone.now() + timezone.timedelta(minutes=5))
    assert events() == []
    from api.events import check_state

    time_machine.move_to(article.published_at + timezone.timedelta(seconds=1))
    check_state("article", article.pk)
    check_state("article", article.pk)  # asked twice: one event
    assert events() == ["article.published"]


# The importer writes in bulk and sends no signals: it records its events itself


def import_pages(*args):
    """Run import_seeds; its exit status (1 when files were refused)."""
    try:
        call_command("import_seeds", *map(str, args), stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit as exit:
        return exit.code
    return 0


def article_events():
    return sorted(WebhookEvent.objects.values_list("type", "object_id"))


def test_an_import_publishing_articles_makes_a_published_event_for_each_dispatched_after_commit(
    subscription, tmp_path, django_capture_on_commit_callbacks
):
    write(tmp_path, "1.txt", page("First story", byline="Ann Writer"))
    write(tmp_path, "2.txt", page("Second story", byline="Ann Writer"))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_pages(tmp_path) == 0
    published = Article.objects.published().values_list("pk", flat=True)
    assert len(published) == 2
    assert article_events() == sorted(("article.published", pk) for pk in published)
    dispatches = DBTaskResult.objects.filter(task_path="api.tasks.dispatch_event")
    assert sorted(task.args_kwargs["args"][0] for task in dispatches) == sorted(
        WebhookEvent.objects.values_list("pk", flat=True)
    )


def test_reimporting_a_changed_page_makes_one_updated_event_and_an_unchanged_one_none(subscription, tmp_path):
    write(tmp_path, "1.txt", page("A story", "First words.", byline="Ann Writer"))
    write(tmp_path, "2.txt", page("Other story", byline="Ann Writer"))
    import_pages(tmp_path)
    WebhookEvent.objects.all().delete()
    write(tmp_path, "1.txt", page("A story", "Better words.", byline="Ann Writer"))
    import_pages(tmp_path)
    assert article_events() == [("article.updated", Article.objects.get(headline="A story").pk)]


def test_articles_imported_for_review_or_as_drafts_make_no_event(subscription, tmp_path):
    write(tmp_path, "1.txt", page("Nobody wrote this"))  # no author, no credit line: held for review
    import_pages(tmp_path)
    write(tmp_path, "2.txt", page("A draft", byline="Ann Writer"))
    import_pages(tmp_path / "2.txt", "--status", "draft")
    assert Article.objects.count() == 2
    assert article_events() == []
    write(tmp_path, "2.txt", page("A draft", "Changed.", byline="Ann Writer"))
    import_pages(tmp_path / "2.txt")
    assert article_events() == []


def test_a_refused_file_leaves_no_event_and_the_others_one_each(subscription, tmp_path):
    write(tmp_path, "1.txt", page("Good one", byline="Ann Writer"))
    # Parses, then fails while writing: the group rolls back and is imported file by file.
    write(tmp_path, "2.txt", page("Bad one", byline="Ann Writer", ticker="x" * 300))
    write(tmp_path, "3.txt", page("Good two", byline="Ann Writer"))
    assert import_pages(tmp_path) == 1
    assert article_events() == sorted(
        ("article.published", pk) for pk in Article.objects.published().values_list("pk", flat=True)
    )
    assert WebhookEvent.objects.count() == 2


def test_imported_ticker_items_go_live_as_events_and_are_asked_about_again_when_they_end(
    subscription, tmp_path, django_capture_on_commit_callbacks, time_machine
):
    write(tmp_path, "1.txt", page("A story", byline="Ann Writer", ticker="Pipeline shut after leak"))
    write(tmp_path, "2.txt", page("Another story", byline="Ann Writer", ticker="Storm warning lifted"))
    with django_capture_on_commit_callbacks(execute=True):
        import_pages(tmp_path)
    items = list(TickerItem.objects.filter(text__in=["Pipeline shut after leak", "Storm warning lifted"]))
    assert {("ticker_item.live", item.pk) for item in items} <= set(article_events())
    # One task asks about every item the import made that ends at that moment.
    (check,) = DBTaskResult.objects.filter(task_path__startswith="api.tasks.check_state")
    assert check.task_path == "api.tasks.check_states"
    object_type, pks = check.args_kwargs["args"]
    assert (object_type, sorted(pks)) == ("ticker_item", sorted(item.pk for item in items))
    assert check.run_after == items[0].expires_at == items[1].expires_at

    from api.events import check_states

    time_machine.move_to(check.run_after + timezone.timedelta(seconds=1))
    check_states(object_type, pks)
    assert {("ticker_item.ended", item.pk) for item in items} <= set(article_events())


def test_an_import_writes_no_event_without_a_subscription_that_wants_it(db, tmp_path, django_assert_num_queries):
    from api.events import record_import

    subscribe("http://127.0.0.1:9/", events=[Event.ARTICLE_CORRECTED])
    write(tmp_path, "1.txt", page("A story", byline="Ann Writer"))
    import_pages(tmp_path)
    assert article_events() == []
    articles = list(Article.objects.all())
    with django_assert_num_queries(1):
        assert record_import(created=articles, updated=[]) == []


# Delivery by a real worker to a real receiver


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deliveries_are_signed_and_retried_until_the_receiver_accepts(start_worker):
    subscription = subscribe("http://placeholder/")
    receiver = Receiver(subscription.secret, answers=[500, 503])
    subscription.url = receiver.url
    subscription.save()
    # Retries a second apart and then four: wider than the worker's own delays on a busy machine.
    start_worker(WEBHOOK_FIRST_RETRY_SECONDS="1")
    try:
        article = make_article(headline="Signed story", credit_line="AP")

        assert wait_for(lambda: receiver.unique)
        assert [message is not None for _, message, _ in receiver.requests] == [True, True, True]
        ids = {webhook_id for webhook_id, _, _ in receiver.requests}
        assert len(ids) == 1  # the same webhook-id on every attempt
        message = next(iter(receiver.unique.values()))
        assert message["type"] == "article.published"
        assert message["data"]["id"] == article.pk
        assert message["data"]["headline"] == "Signed story"
        gaps = [later - earlier for (_, _, earlier), (_, _, later) in itertools.pairwise(receiver.requests)]
        assert gaps[1] > gaps[0] * 1.2  # backing off
        assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())
        delivery = WebhookDelivery.objects.get()
        assert (delivery.attempts, delivery.response_code) == (3, 200)
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_receiver_that_never_answers_holds_up_no_save(start_worker, client):
    subscription = subscribe("http://placeholder/")
    receiver = Receiver(subscription.secret, answers=["hang"] * 10, hang_seconds=5)
    subscription.url = receiver.url
    subscription.save()
    start_worker()
    try:
        started = time.monotonic()
        article = make_article(credit_line="AP")
        for n in range(5):
            article.headline = f"Edit {n}"
            article.save()
        assert time.monotonic() - started < 2
        assert wait_for(lambda: receiver.arrived.is_set())
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(
                attempts__gte=1, status="pending", last_error__contains="timed out"
            ).exists()
        )
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_sees_it_once(start_worker):
    subscription = subscribe("http://placeholder/")
    receiver = Receiver(subscription.secret, answers=["hang"], hang_seconds=3)
    subscription.url = receiver.url
    subscription.save()
    worker = start_worker()
    try:
        article = make_article(headline="Killed in flight", credit_line="AP")
        assert wait_for(lambda: receiver.arrived.is_set())
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        start_worker()

        assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), seconds=60)
        time.sleep(1)
        assert len(receiver.unique) == 1
        message = next(iter(receiver.unique.values()))
        assert (message["type"], message["data"]["id"]) == ("article.published", article.pk)
        assert len(receiver.requests) >= 2  # sent again after the kill; de-duplicated by webhook-id
        assert len({webhook_id for webhook_id, _, _ in receiver.requests}) == 1
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_day_of_failures_the_delivery_fails_and_the_subscription_is_marked(start_worker, client):
    subscription = subscribe("http://placeholder/")
    receiver = Receiver(subscription.secret, answers=[500] * 100)
    subscription.url = receiver.url
    subscription.save()
    start_worker(WEBHOOK_RETRY_HOURS=str(2 / 3600))  # two seconds stand for the day
    try:
        make_article(credit_line="AP")
        assert wait_for(lambda: WebhookDelivery.objects.filter(status="failed").exists())
        subscription.refresh_from_db()
        assert subscription.failing_since is not None
        assert WebhookDelivery.objects.get().response_code == 500

        receiver.answers = []
        from api.webhooks import redeliver

        redeliver(WebhookDelivery.objects.all())
        assert wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())
        subscription.refresh_from_db()
        assert subscription.failing_since is None
    finally:
        receiver.close()


def test_the_signature_is_the_standard_webhooks_reference_implementations():
    from datetime import UTC, datetime

    from api.models import new_secret
    from api.webhooks import sign

    secret = new_secret()
    body = json.dumps({"type": "article.published"}).encode()
    reference = Webhook(secret).sign("msg_1", datetime.fromtimestamp(1614265330, tz=UTC), body.decode())
    assert sign(secret, "msg_1", "1614265330", body) == reference
