"""The newsroom's flow in the admin, in a real browser: an editor writes, previews and publishes
an article that readers then see; a reporter can write but is offered no way to publish; an
editor takes breaking items off the ticker from a list that fits a laptop screen."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.tests.factories import make_author, make_user
from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADLINE = "Refinery strike ends after two weeks"
LAPTOP = {"width": 1366, "height": 768}


def write_article(page):
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Workers at the refinery voted to return on Monday.")


def test_editor_writes_previews_and_publishes_an_article_that_readers_then_see(page, new_page):
    make_author(name="Irina Slav")
    log_in(page, make_user("Editor"))
    write_article(page)
    page.locator("#bylines-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Irina")
    page.get_by_role("option", name="Irina Slav").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Saved the draft of “{HEADLINE}”. It is not public")
    expect(page.get_by_role("link", name="View on site")).to_have_count(0)

    with page.context.expect_page() as opened:
        page.locator(".submit-row").get_by_role("button", name="Preview").click()
    preview = opened.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview: Draft")
    expect(preview.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(preview.locator(".byline")).to_have_text("By Irina Slav")
    expect(preview.locator(".article-body")).to_have_text("Workers at the refinery voted to return on Monday.")
    preview.close()

    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Published “{HEADLINE}”: readers see it now.")
    public_url = page.get_by_role("link", name="View on site").get_attribute("href")

    reader = new_page()
    reader.goto(public_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader.locator(".preview-banner")).to_have_count(0)
    reader.goto("/")
    expect(reader.locator(".lead-title")).to_have_text(HEADLINE)


def test_reporter_writes_a_draft_but_is_offered_no_way_to_publish_it(page):
    log_in(page, make_user("Reporter"))
    write_article(page)
    page.get_by_label("Credit line").fill("Staff")
    expect(page.locator("#id_status option")).to_have_text(["Draft", "In review"])
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("It is not public; send it to review when it is ready.")
    expect(page.locator("#result_list")).to_contain_text(HEADLINE)
    actions = page.get_by_label("Action").locator("option")
    expect(actions).to_contain_text(["Send to review"])
    assert "Publish now" not in actions.all_inner_texts()
    assert "Unpublish (back to draft)" not in actions.all_inner_texts()

    page.locator("#result_list").get_by_role("link", name=HEADLINE).click()
    expect(page.locator("#id_status option")).to_have_text(["Draft", "In review"])


def test_editor_takes_breaking_items_off_the_ticker_from_a_list_that_fits_a_laptop(page, new_page):
    long_text = "Parliament passes the energy bill after a night of votes, see https://example.org/" + "a" * 120
    make_ticker_item(text=long_text[:280], priority=TickerItem.Priority.URGENT)
    storm = make_ticker_item(text="Storm warning for the North Sea coast")
    make_ticker_item(text="Polls close at 10 p.m.")
    log_in(page, make_user("Editor"))
    page.set_viewport_size(LAPTOP)
    page.goto("/admin/breaking/tickeritem/")
    assert not scrolls_sideways(page), "the ticker item list is wider than a 1366-pixel window"

    page.get_by_role("button", name=f"Expire now: {storm.text}").click()
    expect(page.locator(".messagelist")).to_have_text(f"Expired now, off the ticker: “{storm.text}”.")
    expect(page.get_by_role("button", name="Expire now: Storm warning")).to_have_count(0)
    assert TickerItem.objects.get(pk=storm.pk).expires_at <= timezone.now()

    page.get_by_role("row", name="Polls close").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Expire now (take off the ticker)")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_have_text("Expired now, off the ticker: “Polls close at 10 p.m.”.")

    reader = new_page()
    reader.goto("/")
    expect(reader.locator(".ticker-items li")).to_have_text([long_text[:280]])


def scrolls_sideways(page):
    """Whether the page, or the results table in its own scrolling box, is wider than the window."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth > window.innerWidth
            || [...document.querySelectorAll(".results")].some((box) => box.scrollWidth > box.clientWidth)"""
    )
