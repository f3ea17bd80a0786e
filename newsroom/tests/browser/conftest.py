"""Fixtures for the browser tests: Debian's Chromium, headless, driven by Playwright's sync API
against pytest-django's live server.

The live server runs in a thread of this process and sees the test database, so the tests use
transactional database access (the server cannot see rows inside a test's transaction). The
roles and the Breaking News ticker come from a data migration; a transactional test empties the
tables afterwards, so these tests ask for ``serialized_rollback`` to get them back first."""

import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from newsroom.tests.browser.chromium import launch_chromium
from newsroom.tests.sample_site import build_sample_site

BASE_DIR = Path(__file__).resolve().parents[3]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
PASSWORD = "a-long-test-password"  # make_user's

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for each test module.

    Between its calls, Playwright's sync API leaves its asyncio loop marked as running in this
    thread, and Django then behaves as if the test's code were async code:

    - it keeps database connections per async context instead of per thread, so the test would
      get new connections, not the ones the test database was set up on (which carry what
      ``serialized_rollback`` restores). The thread's connections are put where Django looks
      while the loop is marked running, so both ways find the same ones;
    - it refuses ORM calls with SynchronousOnlyOperation. That loop is Playwright's own and is
      idle while the test's code runs, so a blocking call blocks nothing: the check is turned
      off with DJANGO_ALLOW_ASYNC_UNSAFE for as long as Playwright runs, and the rest of the
      suite keeps it."""
    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(viewport=PHONE)`` opens a tab in a fresh browser context (its own cookies)
    whose relative addresses go to the live server; other keyword arguments are the context's
    options (``reduced_motion="reduce"``)."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def site(media_root):
    return build_sample_site()


def log_in(page, user):
    """Log ``user`` (made with ``make_user``) in through the admin's login form."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
