"""A reader's way through the site, and the breaking-news bar updating itself."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_reader_goes_from_the_home_page_to_an_article_its_author_the_archive_and_search(page, site):
    page.goto("/")
    page.locator(".lead-story").get_by_role("link", name=site.lead.headline).click()
    expect(page).to_have_url(re.compile(re.escape(site.lead.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(site.lead.headline)

    page.locator(".byline").get_by_role("link", name="Irina Slav").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Irina Slav")
    expect(page.locator(".card-title")).to_have_count(3)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    page.get_by_label("Author").select_option(label="Irina Slav")
    page.get_by_label("Section").select_option(label="Energy")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"author=irina-slav.*section=energy"))
    expect(page.locator(".count")).to_have_text("2 articles")
    expect(page.locator(".card-title")).to_have_text([site.lead.headline, "Wind farm auction draws record bids"])

    search = page.get_by_role("search").first
    search.get_by_label("Search articles").fill("oil prices")
    search.get_by_label("Search articles").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=oil\+prices$"))
    expect(page.locator(".search-results h2")).to_have_text([site.lead.headline])
    page.locator(".search-results").get_by_role("link", name=site.lead.headline).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.lead.headline)


def test_ticker_shows_a_new_item_and_drops_an_expired_one_without_a_reload(page, site):
    # /ticker.json may be kept for 15 seconds, less than the bar's 30-second interval; this test
    # refreshes faster than that, so the browser's cache is turned off.
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto("/")
    page.evaluate("window.sameDocument = true")
    items = page.locator(".ticker-items li")
    expect(items).to_have_text(["OPEC+ keeps output unchanged", "Storm warning for the North Sea coast"])

    make_ticker_item(text="Parliament passes the energy bill", priority=TickerItem.Priority.URGENT)
    storm = TickerItem.objects.get(text__startswith="Storm warning")
    storm.starts_at = timezone.now() - timedelta(hours=2)
    storm.expires_at = timezone.now() - timedelta(minutes=1)
    storm.save()
    page.evaluate("window.newsroomTicker.refresh()")
    expect(items).to_have_text(["Parliament passes the energy bill", "OPEC+ keeps output unchanged"])
    expect(page.get_by_role("link", name="OPEC+ keeps output unchanged")).to_have_attribute(
        "href", site.lead.get_absolute_url()
    )

    TickerItem.objects.update(starts_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now())
    page.evaluate("window.newsroomTicker.refresh()")
    expect(page.locator(".ticker")).to_be_hidden()

    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
