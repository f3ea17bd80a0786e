import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles.tests.admin_forms import form_data, messages_of, row_containing
from articles.tests.factories import make_article, make_user
from breaking.models import LiveStory, LiveUpdate, Ticker, TickerItem
from newsroom.tests.uploads import image_upload

from .factories import breaking_news, make_live_story, make_ticker_item, make_update

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
    assert choices["custom"] == "Until 15 January 2030, 14:30 UTC"


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


def test_old_ticker_admin_addresses_lead_to_their_new_place(editor_client):
    item = make_ticker_item()
    response = editor_client.get(f"/admin/articles/tickeritem/{item.pk}/change/?_changelist_filters=x")
    assert response.status_code == 301
    assert response["Location"] == f"/admin/breaking/tickeritem/{item.pk}/change/?_changelist_filters=x"
    assert editor_client.get("/admin/articles/ticker/", follow=True).status_code == 200


# Live stories: posting an update from the story's page


def post_update(client, story, **fields):
    return client.post(reverse("admin:breaking_livestory_post", args=[story.pk]), fields)


def test_the_story_page_offers_one_short_form_to_post_and_lists_the_newest_updates(editor_client):
    story = make_live_story()
    for number in range(25):
        make_update(story, title=f"Update {number:02}")

    page = editor_client.get(reverse("admin:breaking_livestory_change", args=[story.pk])).text

    post_form = page[page.index('id="live-post-form"') : page.index("</form>", page.index('id="live-post-form"'))]
    assert 'value="Post"' in post_form
    assert all(f'name="{name}"' in post_form for name in ["title", "body", "image", "pinned", "key_event"])
    newest = page[page.index('id="live-newest-heading"') :]
    assert newest.index("Update 24") < newest.index("Update 23")
    assert "Update 04" not in newest.split("</table>")[0]  # the newest 20


def test_pressing_post_puts_the_update_live_at_once(editor_client, client):
    story = make_live_story(slug="storm")
    response = post_update(editor_client, story, title="Landfall", body="<p>The eye is <b>over</b> us.</p>")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:breaking_livestory_change", args=[story.pk])
    update = LiveUpdate.objects.get()
    assert (update.title, update.body) == ("Landfall", "<p>The eye is over us.</p>")
    assert any(
        message.endswith("“Landfall”. It is live.") for message in messages_of(editor_client.get(response["Location"]))
    )
    assert "Landfall" in client.get("/live/storm/").text
    assert LogEntry.objects.get().get_change_message() == "Added."


def test_posting_sanitises_the_body_like_an_article(editor_client):
    story = make_live_story()
    post_update(editor_client, story, body='<p>Hi<script>alert(1)</script><img src=x onerror="alert(1)"></p>')
    assert LiveUpdate.objects.get().body == "<p>Hi</p>"


def test_an_empty_update_is_not_posted_and_the_form_says_why(editor_client):
    story = make_live_story()
    response = post_update(editor_client, story, title="", body="<p></p>")
    assert response.status_code == 200
    assert "Write the update" in response.text
    assert not LiveUpdate.objects.exists()


def test_an_image_is_posted_with_its_alt_text_and_shown_in_renditions(editor_client, client):
    story = make_live_story(slug="storm")
    response = editor_client.post(
        reverse("admin:breaking_livestory_post", args=[story.pk]),
        {"body": "<p>The harbour.</p>", "image": image_upload("photo.jpg"), "image_alt": "Boats on their sides"},
    )
    assert response.status_code == 302
    update = LiveUpdate.objects.get()
    assert update.image_width and update.image_height
    page = client.get("/live/storm/").text
    assert 'alt="Boats on their sides"' in page and 'type="image/webp"' in page


def test_editing_an_update_marks_it_edited_and_removing_keeps_it_as_removed(editor_client, client):
    story = make_live_story(slug="storm")
    post_update(editor_client, story, body="<p>Ten dead.</p>")
    update = LiveUpdate.objects.get()
    url = reverse("admin:breaking_liveupdate_change", args=[update.pk])

    response = editor_client.post(url, {**form_data(editor_client.get(url)), "body": "<p>Twelve dead.</p>"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.edited_at is not None and "Edited" in client.get("/live/storm/").text

    delete_url = reverse("admin:breaking_liveupdate_delete", args=[update.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    update.refresh_from_db()
    assert update.is_deleted
    page = client.get("/live/storm/").text
    assert "This update was removed" in page and "Twelve dead." not in page
    history = editor_client.get(reverse("admin:breaking_liveupdate_history", args=[update.pk])).text
    assert all(comment in history for comment in ["Posted.", "Removed."])


def test_updates_are_posted_only_from_the_story_page(editor_client):
    assert editor_client.get(reverse("admin:breaking_liveupdate_add")).status_code == 403


def test_an_ended_story_offers_no_post_form(editor_client):
    story = make_live_story(status=LiveStory.Status.ENDED)
    page = editor_client.get(reverse("admin:breaking_livestory_change", args=[story.pk])).text
    assert 'id="live-post-form"' not in page and "This story has ended" in page
    assert post_update(editor_client, story, body="<p>Late.</p>").status_code == 403


def test_a_story_past_its_coverage_end_offers_no_post_form_and_refuses_posts(editor_client):
    story = make_live_story(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=1)
    )
    page = editor_client.get(reverse("admin:breaking_livestory_change", args=[story.pk])).text
    assert 'id="live-post-form"' not in page and "coverage end has passed" in page
    assert post_update(editor_client, story, body="<p>Late.</p>").status_code == 403
    assert not LiveUpdate.objects.exists()


LIVE_STORY_LIST_QUERIES = 10
LIVE_UPDATE_LIST_QUERIES = 8
LIVE_STORY_PAGE_QUERIES = 8


@pytest.mark.parametrize("rows", [1, 20])
def test_live_story_page_and_lists_ask_the_same_number_of_questions_however_many_updates(
    login, django_assert_num_queries, rows
):
    client = login("superuser")
    story = make_live_story()
    for _ in range(rows):
        make_update(story)
        make_live_story()
    with django_assert_num_queries(LIVE_STORY_LIST_QUERIES):
        assert client.get(reverse("admin:breaking_livestory_changelist")).status_code == 200
    with django_assert_num_queries(LIVE_UPDATE_LIST_QUERIES):
        assert client.get(reverse("admin:breaking_liveupdate_changelist")).status_code == 200
    ContentType.objects.get_for_model(LiveStory)  # kept by the process after its first use
    with django_assert_num_queries(LIVE_STORY_PAGE_QUERIES):
        assert client.get(reverse("admin:breaking_livestory_change", args=[story.pk])).status_code == 200


def test_the_story_list_shows_the_status_readers_see(editor_client):
    now = timezone.now()
    make_live_story(headline="Still live", ends_at=now + timedelta(hours=2))
    make_live_story(headline="Past its end", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    make_live_story(headline="Opens tonight", starts_at=now + timedelta(hours=5))
    make_live_story(headline="Being prepared", status=LiveStory.Status.DRAFT)

    page = editor_client.get(reverse("admin:breaking_livestory_changelist"))

    assert ">Live<" in row_containing(page, "Still live")
    assert "Ended (coverage end" in row_containing(page, "Past its end")
    assert "Live from" in row_containing(page, "Opens tonight")
    assert ">Draft<" in row_containing(page, "Being prepared")
