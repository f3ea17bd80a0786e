"""Optimistic locking under real concurrency: many editors save one article at the same moment.

The saves run in threads, each on its own database connection, and really commit, so the
database (row locks on PostgreSQL, the write lock of an immediate transaction on SQLite) decides
who wins. Every copy was loaded at the same version, so exactly one save may succeed; every
other editor must be told, and none may overwrite the winner in silence."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from reversion.models import Version

from articles.models import Article, ArticleConflict

from .factories import make_article

# The migrations' roles and ticker are emptied by a transactional test: get them back first.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SAVES = 200
WORKERS = 20


def test_racing_saves_of_one_article_have_one_winner_and_every_loser_is_told():
    article = make_article(headline="Original headline")
    revisions_before = Version.objects.get_for_object(article).count()
    stale_copies = [Article.objects.get(pk=article.pk) for _ in range(SAVES)]
    assert {copy.version for copy in stale_copies} == {1}
    start = threading.Event()

    def save(number):
        copy = stale_copies[number]
        copy.headline = f"Headline by editor {number}"
        start.wait()
        try:
            copy.save()
        except ArticleConflict as conflict:
            return "conflict", number, conflict.current_version
        finally:
            connection.close()
        return "saved", number, copy.version

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(save, number) for number in range(SAVES)]
        start.set()
        outcomes = [future.result(timeout=60) for future in futures]

    winners = [(number, version) for outcome, number, version in outcomes if outcome == "saved"]
    losers = [version for outcome, _, version in outcomes if outcome == "conflict"]
    assert len(winners) == 1
    assert len(losers) == SAVES - 1
    assert set(losers) == {2}
    [(winner, winning_version)] = winners
    article.refresh_from_db()
    assert article.headline == f"Headline by editor {winner}"
    assert article.version == winning_version == 2
    assert Version.objects.get_for_object(article).count() == revisions_before + 1
