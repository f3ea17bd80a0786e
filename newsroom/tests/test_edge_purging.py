"""Purges of the page cache sent to the edge caches (newsroom/edge/purging.py), here to a real HTTP
server on loopback standing in for Varnish: when they are sent, how they are batched, and what a
failing edge costs."""

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author, make_user
from newsroom.edge import purging
from newsroom.models import PagePurge

from .recorder import Recorder

pytestmark = pytest.mark.django_db


@pytest.fixture
def varnish(settings, monkeypatch):
    """A stand-in Varnish that every purge is sent to; purges are sent again 0.2 s later."""
    recorder = Recorder().start()
    settings.EDGE_PURGE_BACKENDS = [
        {"BACKEND": "newsroom.edge.backends.VarnishBackend", "SERVERS": [recorder.url], "TIMEOUT": 1}
    ]
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    monkeypatch.setattr(purging, "RESEND_MARGIN_SECONDS", 0.2)
    yield recorder
    purging.resends.wait()
    recorder.stop()


def purged(recorder):
    return [set(request.headers["xkey-purge"].split()) for request in recorder.requests]


def test_a_change_outside_a_request_is_purged_at_once_and_again_later(varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_article(headline="Oil falls")
    assert len(varnish.requests) == 1
    tags = purged(varnish)[0]
    assert {f"article:{story.pk}", f"card:{story.pk}", "list:latest"} <= tags

    purging.resends.wait()
    assert purged(varnish) == [tags, tags]


def test_nothing_is_sent_before_the_change_commits(varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        make_article(headline="Oil falls")
    assert varnish.requests == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_purges_of_one_request_are_sent_once_when_it_ends(varnish):
    story = make_article(headline="Oil falls", authors=[make_author(name="Ann Lee")])
    purging.resends.wait()
    varnish.requests.clear()
    editor = Client()
    editor.force_login(make_user("Editor"))
    url = reverse("admin:articles_article_change", args=[story.pk])
    now = timezone.localtime()
    before = PagePurge.objects.count()

    response = editor.post(
        url,
        {
            **form_data(editor.get(url)),
            "headline": "Oil falls again",
            "_publish": "Publish changes",
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "The refinery is in Baytown.",
            "corrections-0-published_at_0": now.date().isoformat(),
            "corrections-0-published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302, response.context and response.context.get("errors")
    written = [set(row.split()) for row in PagePurge.objects.order_by("id").values_list("tags", flat=True)[before:]]
    assert len(written) >= 2  # the article's purge and the correction's
    assert purged(varnish) == [set().union(*written)]


def test_a_failing_edge_is_logged_once_and_never_fails_the_change(varnish, caplog, django_capture_on_commit_callbacks):
    varnish.status = 503
    logging.getLogger("newsroom.edge").filters[0].last.clear()  # the throttle's memory of earlier tests
    with caplog.at_level(logging.ERROR, logger="newsroom.edge"):
        for headline in ("Oil falls", "Gas rises", "Coal steady"):
            with django_capture_on_commit_callbacks(execute=True):
                make_article(headline=headline)

    # One purge a change (the second sending of each, seconds later, may already have come on a
    # slow machine).
    assert len(varnish.requests) >= 3
    [record] = [record for record in caplog.records if record.name == "newsroom.edge"]
    assert record.getMessage() == "Edge cache purge failed"
    assert "503" in record.exc_text
