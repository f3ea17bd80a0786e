from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from articles.models import Correction

from .factories import HIDDEN_STATES, make_article, make_correction, make_hidden_article

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


def test_each_correction_shows_its_kind_time_text_and_article(client):
    article = make_article(headline="Rates & prices")
    make_correction(article, kind=Correction.Kind.CLARIFICATION, text="The rate is annual.", published_at=NOON)

    response = client.get(reverse("articles:corrections"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Corrections</h1>" in page
    assert "Clarification" in page
    assert '<time datetime="2030-01-15T12:00:00+00:00">' in page
    assert "The rate is annual." in page
    assert f'<a href="{article.get_absolute_url()}">Rates &amp; prices</a>' in page


def test_corrections_are_listed_newest_first(client):
    article = make_article()
    oldest = make_correction(article, published_at=NOON - timedelta(days=2))
    newest = make_correction(make_article(), published_at=NOON)
    middle = make_correction(article, published_at=NOON - timedelta(days=1))

    response = client.get(reverse("articles:corrections"))

    assert list(response.context["correction_list"]) == [newest, middle, oldest]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_corrections_to_articles_readers_cannot_see_are_not_listed(client, state):
    shown = make_correction(make_article())
    make_correction(make_hidden_article(state), text="A correction nobody may read yet.")

    response = client.get(reverse("articles:corrections"))

    assert list(response.context["correction_list"]) == [shown]
    assert "nobody may read" not in response.content.decode()


def test_the_log_is_paginated_by_50(client):
    article = make_article()
    for minutes in range(51):
        make_correction(article, published_at=NOON - timedelta(minutes=minutes))

    first = client.get(reverse("articles:corrections"))
    second = client.get(reverse("articles:corrections"), {"page": 2})

    assert len(first.context["correction_list"]) == 50
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert [c.published_at for c in second.context["correction_list"]] == [NOON - timedelta(minutes=50)]
    assert 'href="?page=1" rel="prev"' in second.content.decode()


def test_an_empty_log_says_so(client):
    response = client.get(reverse("articles:corrections"))

    assert "No corrections yet." in response.content.decode()


def test_a_page_past_the_end_is_not_found(client):
    assert client.get(reverse("articles:corrections"), {"page": 2}).status_code == 404


@pytest.mark.parametrize("corrections", [1, 50])
def test_log_queries_do_not_grow_with_corrections(client, django_assert_num_queries, corrections):
    for _ in range(corrections):
        make_correction(make_article())

    # The count, the page of corrections with their articles, and the ticker in base.html.
    with django_assert_num_queries(3):
        response = client.get(reverse("articles:corrections"))

    assert len(response.context["correction_list"]) == corrections
