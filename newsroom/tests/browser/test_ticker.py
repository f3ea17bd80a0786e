"""The breaking-news bar in Chromium: one line on a phone however many items are live, the
others a button press away, a pause button that works by keyboard, no turning on its own for
readers who prefer reduced motion, new items announced politely, and every item in the HTML for
readers without JavaScript. The bar's script turns items every few seconds; the tests drive the
page's clock instead of waiting."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.tests.factories import make_article
from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item
from breaking.views import TICKER_LENGTH

from .axe import axe_violations
from .conftest import DESKTOP, PHONE, TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXTS = [
    "Parliament passes the energy bill after an all-night sitting",
    "Storm warning for the North Sea coast: ferries cancelled until Friday",
    "OPEC+ keeps output unchanged",
    "Central bank holds rates as inflation eases to 2.1 per cent",
    "Refinery strike ends after workers accept a new pay offer",
    "Wildfires force evacuations in three villages north of Athens",
    "Polls close at 10 p.m.; first results expected after midnight",
    "Gas storage reaches a record ahead of winter",
    "Ceasefire talks resume in Geneva with both delegations present",
    "Tanker traffic returns to the Red Sea as insurers cut premiums",
]
TURN_MS = 6000
# The bar's height in lines of body text: the label and buttons above one line of the item.
TWO_LINES_OR_SO = 2.5


@pytest.fixture
def ten_items():
    """Ten live items, the first urgent and linking to a story, as on a day of breaking news."""
    story = make_article(headline="Energy bill passes")
    items = [make_ticker_item(text=TEXTS[0], article=story, priority=TickerItem.Priority.URGENT)]
    for number, text in enumerate(TEXTS[1:], start=1):
        items.append(make_ticker_item(text=text, starts_at=timezone.now() - timedelta(minutes=number)))
    return items


def open_home(new_page, viewport=PHONE, **context_options):
    """The home page with its clock stopped: it moves only when a test runs it."""
    page = new_page(viewport=viewport, **context_options)
    page.clock.install()
    page.goto("/")
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))
    return page


def shown_item(page):
    return page.locator(".ticker-items li.is-current")


def bar_height(page):
    return page.locator(".ticker").bounding_box()["height"]


def body_line_height(page):
    return page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")


def test_ten_live_items_take_at_most_two_lines_on_a_360_pixel_phone(new_page, ten_items, record_property):
    page = open_home(new_page)
    expect(shown_item(page)).to_have_text(TEXTS[0])
    height = bar_height(page)
    record_property("ticker_height_px", height)
    print(f"ticker height at 360 px with 10 live items: {height:.0f} px")

    assert height <= TWO_LINES_OR_SO * body_line_height(page), f"the bar is {height} px high"
    expect(page.locator(".ticker-items li")).to_have_count(10)
    expect(page.locator(".ticker-items li:visible")).to_have_count(1)
    expect(page.locator(".ticker-position")).to_have_text("1 of 10")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The lead story starts just under the header, not 700 pixels down.
    assert page.locator("main").bounding_box()["y"] < 300


def test_items_turn_on_their_own_and_the_buttons_reach_the_others(new_page, ten_items):
    page = open_home(new_page)
    expect(shown_item(page)).to_have_text(TEXTS[0])

    page.clock.run_for(TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[1])
    page.get_by_role("button", name="Next item").click()
    expect(shown_item(page)).to_have_text(TEXTS[2])
    page.get_by_role("button", name="Previous item").click()
    page.get_by_role("button", name="Previous item").click()
    page.get_by_role("button", name="Previous item").click()
    expect(shown_item(page)).to_have_text(TEXTS[9])
    expect(page.locator(".ticker-position")).to_have_text("10 of 10")


def test_the_pause_button_works_by_keyboard_and_stops_the_turning(new_page, ten_items):
    page = open_home(new_page, viewport=DESKTOP)
    pause = page.locator(".ticker-pause")
    expect(pause).to_be_visible()
    for _ in range(30):  # from the top of the page, as a keyboard user goes
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ticker-pause')"):
            break
    expect(pause).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

    page.keyboard.press("Enter")
    expect(pause).to_have_text("Play")
    page.locator("main").focus()  # focus out of the bar: only the pause holds the items now
    page.clock.run_for(3 * TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[0])
    expect(page.locator(".ticker-items")).to_have_attribute("aria-live", "polite")

    pause.focus()
    page.keyboard.press("Space")
    expect(pause).to_have_text("Pause")
    page.locator("main").focus()
    expect(page.locator(".ticker-items")).to_have_attribute("aria-live", "off")
    page.clock.run_for(TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[1])


def test_pointing_at_or_tabbing_into_the_bar_holds_the_item_being_read(new_page, ten_items):
    page = open_home(new_page, viewport=DESKTOP)
    page.get_by_role("link", name=TEXTS[0]).focus()
    page.clock.run_for(3 * TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[0])

    page.locator("main").focus()
    page.locator(".ticker-label").hover()
    page.clock.run_for(3 * TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[0])


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_with_reduced_motion_nothing_turns_on_its_own_and_the_buttons_still_work(new_page, ten_items, viewport):
    page = open_home(new_page, viewport=viewport, reduced_motion="reduce")
    pause = page.locator(".ticker-pause")
    expect(pause).to_be_visible()
    expect(pause).to_have_text("Play")

    page.clock.run_for(5 * TURN_MS)
    expect(shown_item(page)).to_have_text(TEXTS[0])
    page.get_by_role("button", name="Next item").click()
    expect(shown_item(page)).to_have_text(TEXTS[1])
    assert bar_height(page) <= TWO_LINES_OR_SO * body_line_height(page)


def test_a_new_item_is_announced_politely_and_shown_first_when_it_is_the_most_important(new_page, ten_items):
    page = open_home(new_page, viewport=DESKTOP)
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    news = page.locator(".ticker-news")
    expect(news).to_have_attribute("aria-live", "polite")
    expect(news).to_have_text("")

    make_ticker_item(text="Prime minister resigns", priority=TickerItem.Priority.URGENT)
    page.evaluate("window.newsroomTicker.refresh()")

    expect(news).to_have_text("Breaking news: Prime minister resigns")
    expect(shown_item(page)).to_have_text("Prime minister resigns")
    expect(page.locator(".ticker-position")).to_have_text(f"1 of {TICKER_LENGTH}")  # the least important went

    # A refresh with nothing new announces nothing more and keeps the reader's item.
    page.get_by_role("button", name="Next item").click()
    page.evaluate("window.newsroomTicker.refresh()")
    expect(shown_item(page)).to_have_text(TEXTS[0])
    expect(news).to_have_text("Breaking news: Prime minister resigns")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_bar_with_ten_items_passes_axe_turning_and_paused(new_page, ten_items, viewport):
    page = new_page(viewport=viewport)  # on the page's own clock: axe-core waits on timers
    page.goto("/")
    expect(shown_item(page)).to_be_visible()
    problems = axe_violations(page)
    page.locator(".ticker-pause").click()
    expect(page.locator(".ticker-pause")).to_have_text("Play")
    problems += axe_violations(page)

    assert not problems, "\n".join(problems)


def test_without_javascript_every_item_is_in_one_row_that_scrolls_sideways(browser, live_server, ten_items):
    # With JavaScript off Playwright cannot run scripts in the page either: only locators here.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/")
        items = page.locator(".ticker-items li")
        expect(items).to_have_text(TEXTS)
        expect(page.locator(".ticker-controls")).to_be_hidden()
        height = bar_height(page)
        print(f"ticker height at 360 px with 10 live items, without JavaScript: {height:.0f} px")
        assert height <= TWO_LINES_OR_SO * 16 * 1.55  # the body's line height
        assert page.locator("body").bounding_box()["width"] <= PHONE["width"]
        assert items.last.bounding_box()["x"] > PHONE["width"], "the items do not run on in one row"
        # A row that scrolls is reachable from the keyboard (arrow keys scroll it).
        expect(page.locator(".ticker-items")).to_have_attribute("tabindex", "0")
    finally:
        context.close()
