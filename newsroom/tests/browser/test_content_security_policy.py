"""The Content Security Policy in a real browser: the public pages, the ticker's refresh and the
admin forms (with the prose editor and its widgets) run without a single violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.tests.factories import make_user
from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def watched_page(page):
    """A page that records every CSP violation, from the event and from the console."""
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    yield page
    page_violations = page.evaluate("window.cspViolations")
    console_violations = [text for text in console if "Content Security Policy" in text]
    assert page_violations == [] and console_violations == []


def test_public_pages_and_the_ticker_refresh_break_no_rule(watched_page, site):
    page = watched_page
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    for path in site.pages.values():
        page.goto(path)
        assert page.evaluate("window.cspViolations") == [], path

    # JSON-LD is data, not script: CSP lets it be.
    page.goto(site.lead.get_absolute_url())
    expect(page.locator('script[type="application/ld+json"]')).to_have_count(1)
    assert page.evaluate("window.cspViolations") == []

    page.goto("/")
    make_ticker_item(text="Parliament passes the energy bill", priority=TickerItem.Priority.URGENT)
    page.evaluate("window.newsroomTicker.refresh()")
    expect(page.locator(".ticker-items li").first).to_have_text("Parliament passes the energy bill")


def test_admin_forms_and_the_prose_editor_break_no_rule(watched_page, site):
    page = watched_page
    log_in(page, make_user("Editor"))

    page.goto(reverse("admin:articles_article_change", args=[site.lead.pk]))
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Prices eased on Wednesday.")
    expect(editor).to_contain_text("Prices eased on Wednesday.")
    assert page.evaluate("window.cspViolations") == []

    page.goto(reverse("admin:breaking_tickeritem_add"))
    expect(page.locator("#tickeritem_form")).to_be_visible()

    for path in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_history", args=[site.lead.pk]),
        reverse("admin:breaking_tickeritem_changelist"),
    ]:
        page.goto(path)
        assert page.evaluate("window.cspViolations") == [], path


@pytest.mark.parametrize("url_name", ["articles:feed-latest", "articles:feed-latest-atom"])
def test_a_feed_opens_as_a_page_of_its_stories_within_the_policy(page, site, url_name):
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(reverse(url_name))

    expect(page.locator("h1")).to_have_text("Newsroom: latest stories")
    expect(page.locator(".feed-about")).to_contain_text("Copy its address into a feed reader")
    lead = page.get_by_role("link", name=site.lead.headline, exact=True)
    expect(lead).to_have_attribute("href", re.compile(re.escape(site.lead.get_absolute_url()) + "$"))
    expect(page.locator(".feed-entries")).to_have_css("list-style-type", "none")  # feed.css applied
    # Chromium adds a banner to pages made by XSLT, announcing its removal, whose inline styles
    # and close button the policy refuses; nothing else in the page breaks a rule.
    refused = set(page.evaluate("window.cspViolations.map((v) => v.split(' ')[0])"))
    assert refused <= {"style-src-attr", "script-src-attr"}
    inline = "[...document.querySelectorAll('[style], [onclick]')].filter((e) => !e.closest('xslt-warning-banner'))"
    assert page.evaluate(f"{inline}.length") == 0
