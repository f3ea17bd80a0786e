import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.tests.admin_forms import form_data, messages_of, row_containing
from articles.tests.factories import make_article, make_user
from breaking.models import Ticker, TickerItem

from .factories import breaking_news, make_ticker_item

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


# Tickers


def test_breaking_item_form_starts_on_the_breaking_ticker_and_expires_after_show_for(login):
    add_url = reverse("admin:breaking_tickeritem_add")
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        data = form_data(editor_client.get(add_url))
        assert data["ticker"] == str(breaking_news().pk)
        assert data["lasts"] == "3"
        response = editor_client.post(add_url, {**data, "text": "Ceasefire announced", "lasts": "6"})

    assert response.status_code == 302
    item = TickerItem.objects.get(text="Ceasefire announced")
    assert item.starts_at == NOON
    assert item.expires_at == NOON + timedelta(hours=6)


def test_breaking_item_that_never_lapses_has_no_expiry(editor_client):
    add_url = reverse("admin:breaking_tickeritem_add")
    data = form_data(editor_client.get(add_url))
    editor_client.post(add_url, {**data, "text": "Stays up", "lasts": ""})
    assert TickerItem.objects.get(text="Stays up").expires_at is None


def test_an_explicit_expiry_wins_over_show_for(login):
    add_url = reverse("admin:breaking_tickeritem_add")
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        data = form_data(editor_client.get(add_url))
        editor_client.post(
            add_url,
            {**data, "text": "Explicit", "lasts": "1", "expires_at_0": "2030-01-15", "expires_at_1": "20:00"},
        )
    assert TickerItem.objects.get(text="Explicit").expires_at == NOON + timedelta(hours=8)


def item_change_url(item):
    return reverse("admin:breaking_tickeritem_change", args=[item.pk])


def show_for(response):
    """The "Show for" choices of a ticker item form, and the one chosen."""
    field = response.context["adminform"].form["lasts"]
    return dict(field.field.choices), field.value()


@pytest.mark.parametrize(
    ("expires_after", "shown"),
    [(None, ""), (timedelta(hours=1), "1"), (timedelta(hours=6), "6"), (timedelta(hours=24), "24")],
)
def test_show_for_reflects_the_lifetime_of_an_existing_item(editor_client, expires_after, shown):
    item = make_ticker_item(starts_at=NOON, expires_at=expires_after and NOON + expires_after)
    choices, chosen = show_for(editor_client.get(item_change_url(item)))
    assert chosen == shown
    assert "custom" not in choices


def test_show_for_shows_an_expiry_that_is_no_choice_exactly(editor_client):
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=2, minutes=30))
    choices, chosen = show_for(editor_client.get(item_change_url(item)))
    assert chosen == "custom"
    assert choices["custom"] == "Until 15 Jan 2030 14:30"


@pytest.mark.parametrize(("lasts", "expires_at"), [("6", NOON + timedelta(hours=6)), ("", None)])
def test_changing_show_for_on_an_existing_item_changes_its_expiry(editor_client, lasts, expires_at):
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=3))
    url = item_change_url(item)
    response = editor_client.post(url, {**form_data(editor_client.get(url)), "lasts": lasts})
    assert response.status_code == 302
    assert TickerItem.objects.get(pk=item.pk).expires_at == expires_at


def test_saving_an_item_keeps_an_expiry_that_is_no_choice(editor_client):
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(minutes=90))
    url = item_change_url(item)
    editor_client.post(url, {**form_data(editor_client.get(url)), "text": "Corrected text"})
    item.refresh_from_db()
    assert (item.text, item.expires_at) == ("Corrected text", NOON + timedelta(minutes=90))


def test_an_expiry_typed_into_an_existing_item_wins_over_show_for(editor_client):
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=3))
    url = item_change_url(item)
    data = {**form_data(editor_client.get(url)), "lasts": "1", "expires_at_0": "2030-01-15", "expires_at_1": "19:00"}
    editor_client.post(url, data)
    assert TickerItem.objects.get(pk=item.pk).expires_at == NOON + timedelta(hours=7)


def test_moving_the_start_keeps_the_lifetime_shown(editor_client):
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=3))
    url = item_change_url(item)
    editor_client.post(url, {**form_data(editor_client.get(url)), "starts_at_1": "13:00:00"})
    item.refresh_from_db()
    assert (item.starts_at, item.expires_at) == (NOON + timedelta(hours=1), NOON + timedelta(hours=4))


ITEM_CHANGELIST = reverse("admin:breaking_tickeritem_changelist")


def expire_through_action(client, *items):
    return client.post(
        ITEM_CHANGELIST,
        {"action": "expire_now", "index": "0", "_selected_action": [item.pk for item in items]},
        follow=True,
    )


def test_expire_now_takes_live_items_off_the_ticker_and_says_so(login):
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        live = make_ticker_item(text="Storm warning", starts_at=NOON - HOUR)
        lasting = make_ticker_item(text="Polls close", starts_at=NOON - HOUR, expires_at=NOON + HOUR)
        untouched = make_ticker_item(text="Not selected", starts_at=NOON - HOUR)
        response = expire_through_action(editor_client, live, lasting)
        assert list(TickerItem.objects.live().values_list("text", flat=True)) == ["Not selected"]

    assert TickerItem.objects.get(pk=live.pk).expires_at == NOON
    assert TickerItem.objects.get(pk=lasting.pk).expires_at == NOON
    assert TickerItem.objects.get(pk=untouched.pk).expires_at is None
    assert messages_of(response) == ["Expired now, off the ticker: “Polls close”, “Storm warning”."]


def test_expire_now_leaves_expired_and_scheduled_items_as_they_are(login):
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        over = make_ticker_item(text="Old news", starts_at=NOON - 2 * HOUR, expires_at=NOON - HOUR)
        later = make_ticker_item(text="Embargoed", starts_at=NOON + HOUR)
        response = expire_through_action(editor_client, over, later)

    assert TickerItem.objects.get(pk=over.pk).expires_at == NOON - HOUR
    assert TickerItem.objects.get(pk=later.pk).expires_at is None
    assert messages_of(response) == [
        "Already expired: “Old news”.",
        "Not started yet, so left as they are: “Embargoed”. Delete them, or change their start time.",
    ]


def test_item_list_offers_expire_now_on_each_item_showing_now(login):
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        live = make_ticker_item(text="On now", starts_at=NOON - HOUR)
        make_ticker_item(text="Later", starts_at=NOON + HOUR)
        make_ticker_item(text="Gone", starts_at=NOON - 2 * HOUR, expires_at=NOON)
        response = editor_client.get(ITEM_CHANGELIST)

    assert re.search(
        rf'<button type="submit" form="expire-now" name="_selected_action" value="{live.pk}"[^>]*>Expire now</button>',
        row_containing(response, "On now"),
    )
    assert "Expire now" not in row_containing(response, "Later")
    assert "Expire now" not in row_containing(response, "Gone")
    # The buttons post through a form of their own, outside the list's, with the CSRF token.
    page = response.content.decode()
    expire_form = page.split('<form id="expire-now" method="post" hidden>', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in expire_form
    assert '<input type="hidden" name="action" value="expire_now">' in expire_form
    assert page.index('id="changelist-form"') < page.index('<form id="expire-now"')


def test_item_list_offers_no_expire_now_to_whoever_may_only_view_items(client):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_tickeritem"))
    client.force_login(viewer)
    make_ticker_item(text="On now")
    response = client.get(ITEM_CHANGELIST)
    assert response.status_code == 200
    assert "Expire now" not in response.content.decode()


def test_ticker_list_counts_live_items_and_item_list_marks_them(login):
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        make_ticker_item(text="On now", starts_at=NOON - timedelta(hours=1))
        make_ticker_item(text="Later", starts_at=NOON + timedelta(hours=1))
        make_ticker_item(text="Gone", starts_at=NOON - timedelta(hours=2), expires_at=NOON)
        tickers = editor_client.get(reverse("admin:breaking_ticker_changelist"))
        items = editor_client.get(reverse("admin:breaking_tickeritem_changelist"))

    assert [ticker.live_count for ticker in tickers.context["cl"].result_list] == [1]
    assert 'alt="True"' in row_containing(items, "On now")
    assert 'alt="False"' in row_containing(items, "Later")
    assert 'alt="False"' in row_containing(items, "Gone")


def test_ticker_items_are_edited_inline_on_the_ticker(editor_client):
    ticker = breaking_news()
    url = reverse("admin:breaking_ticker_change", args=[ticker.pk])
    data = form_data(editor_client.get(url))
    response = editor_client.post(url, {**data, "items-0-text": "Added inline", "items-0-priority": "20"})
    assert response.status_code == 302
    assert ticker.items.get().priority == TickerItem.Priority.URGENT


# Changelists ask the database the same number of questions however many rows they show


def ticker_item_rows(count):
    articles = [make_article(), make_article()]
    for number in range(count):
        make_ticker_item(article=articles[number % 2] if number % 3 else None)


def ticker_rows(count):
    for number in range(1, count):  # the Breaking News ticker is the first
        ticker = Ticker.objects.create(name=f"Ticker {number}", slug=f"ticker-{number}")
        make_ticker_item(ticker=ticker)
        make_ticker_item(ticker=ticker, starts_at=timezone.now() + timedelta(hours=1))


@pytest.mark.parametrize(
    ("url_name", "make_rows", "queries"),
    [
        ("admin:breaking_tickeritem_changelist", ticker_item_rows, 8),
        ("admin:breaking_ticker_changelist", ticker_rows, 5),
    ],
    ids=["ticker-items", "tickers"],
)
@pytest.mark.parametrize("rows", [1, 20])
def test_changelist_queries_do_not_grow_with_rows(login, django_assert_num_queries, url_name, make_rows, queries, rows):
    client = login("superuser")
    make_rows(rows)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
