"""The shared admin defaults name the inputs that have no label of their own."""

import re

import pytest
from django.urls import reverse

from articles.tests.factories import make_article, make_author
from breaking.tests.factories import breaking_news, make_live_story, make_ticker_item

pytestmark = pytest.mark.django_db


def input_tag(page, name):
    """The opening tag of the input or select called ``name``."""
    return re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>', page)[0]


def test_date_and_time_inputs_are_named_after_their_field_and_part(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).text
    assert 'aria-label="Publication time (date)"' in input_tag(page, "published_at_0")
    assert 'aria-label="Publication time (time)"' in input_tag(page, "published_at_1")
    assert 'aria-label="Expiry time (date)"' in input_tag(page, "expires_at_0")
    assert 'aria-label="Expiry time (time)"' in input_tag(page, "expires_at_1")


def test_inputs_in_the_rows_of_a_table_inline_are_named_after_their_column(admin_client):
    article = make_article(authors=[make_author()])
    make_ticker_item(starts_at=article.published_at)
    byline = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    ticker = admin_client.get(reverse("admin:breaking_ticker_change", args=[breaking_news().pk])).text

    assert 'aria-label="Author"' in input_tag(byline, "bylines-0-author")
    assert 'aria-label="Role"' in input_tag(byline, "bylines-0-role")
    assert 'aria-label="Order"' in input_tag(byline, "bylines-0-order")
    assert 'aria-label="Delete"' in input_tag(byline, "bylines-0-DELETE")
    assert 'aria-label="Text"' in input_tag(ticker, "items-0-text")
    assert 'aria-label="External link"' in input_tag(ticker, "items-0-url")
    assert 'aria-label="Start time (date)"' in input_tag(ticker, "items-0-starts_at_0")
    assert "aria-label" not in input_tag(ticker, "items-0-id")  # hidden


NUL = "\x00"
# Every kind of parameter the admin reads from a URL: the autocomplete's term and its names, a
# changelist's search, each kind of list filter, the date hierarchy, ordering, page, popup and
# the other names it keeps, and an object's id in a path.
ADMIN_WITH_NUL = [
    f"/admin/autocomplete/?term=a{NUL}&app_label=articles&model_name=article&field_name=authors",
    f"/admin/autocomplete/?term=a&app_label=articles{NUL}&model_name=article&field_name=authors",
    f"/admin/autocomplete/?term=a&app_label=articles&model_name=article&field_name=authors{NUL}",
    f"/admin/autocomplete/?term=a{NUL}&app_label=articles&model_name=correction&field_name=article",
    f"/admin/articles/article/?q=oil{NUL}",
    f"/admin/articles/article/?status={NUL}",
    f"/admin/articles/article/?status__exact=published{NUL}",
    f"/admin/articles/article/?state={NUL}",
    f"/admin/articles/article/?section__id__exact=1{NUL}",
    f"/admin/articles/article/?authors__id__exact={NUL}",
    f"/admin/articles/article/?published_at__gte=2030-01-01{NUL}",
    f"/admin/articles/article/?published_at__year=2030{NUL}&published_at__month=1",
    f"/admin/articles/article/?o=1{NUL}",
    f"/admin/articles/article/?p=1{NUL}",
    f"/admin/articles/article/?e={NUL}",
    f"/admin/articles/article/?_popup=1&_to_field=id{NUL}",
    f"/admin/articles/article/?{NUL}=1",
    f"/admin/articles/correction/?kind={NUL}&q={NUL}",
    f"/admin/breaking/tickeritem/?ticker__id__exact={NUL}&priority__exact={NUL}",
    f"/admin/authors/author/?q={NUL}",
    f"/admin/api/apikey/?revoked_at__isnull={NUL}",
    f"/admin/articles/article/1{NUL}/change/",
    f"/admin/auth/user/?q={NUL}&is_staff__exact={NUL}",
]


@pytest.mark.parametrize("url", ADMIN_WITH_NUL)
def test_a_nul_byte_in_any_admin_parameter_is_refused_not_an_error(admin_client, url):
    make_article(headline="Oil falls", authors=[make_author()])

    response = admin_client.get(url)

    assert response.status_code == 400


def test_a_nul_byte_in_an_admin_form_is_refused_not_an_error(admin_client):
    make_article(headline="Oil falls")

    response = admin_client.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [f"1{NUL}"]}
    )

    assert response.status_code == 400


def test_public_pages_are_left_to_their_own_handling_of_nul_bytes(client):
    make_article(headline="Oil falls")

    assert client.get("/search/", {"q": f"oil{NUL}"}).status_code == 200


# Choices by autocomplete: answered only to those who may fill in the form asking.

AUTOCOMPLETES = [
    ("frontpage", "placement", "article", "Findable oil"),
    ("frontpage", "placement", "live_story", "Findable storm"),
    ("breaking", "tickeritem", "article", "Findable oil"),
    ("breaking", "tickeritem", "live_story", "Findable storm"),
    ("articles", "correction", "article", "Findable oil"),
]


@pytest.mark.parametrize(("app_label", "model_name", "field_name", "headline"), AUTOCOMPLETES)
@pytest.mark.parametrize("role", ["Reporter", "Editor", "Site administrator", "superuser", "staff"])
def test_an_autocomplete_answers_only_those_who_may_fill_in_its_form(
    login, role, app_label, model_name, field_name, headline
):
    make_article(headline="Findable oil")
    make_live_story(headline="Findable storm")
    user_client = login(role)
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "Findable"}

    response = user_client.get(reverse("admin:autocomplete"), query)

    # Reporters fill in none of these forms: they neither choose the front page nor touch tickers
    # or corrections.
    may_fill_in = role in {"Editor", "Site administrator", "superuser"}
    assert response.status_code == (200 if may_fill_in else 403)
    assert (headline in response.text) is may_fill_in
