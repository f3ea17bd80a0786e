"""Every public page type, checked in Chromium: axe-core finds no serious or critical
accessibility problem at desktop or phone width, the page fits a 360-pixel phone screen, and a
keyboard user can skip to the content and always sees where the focus is."""

import pytest
from playwright.sync_api import expect

from .axe import axe_violations
from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_public_page_type_passes_axe_and_fits_a_phone_screen(page, site):
    problems = []
    for name, path in site.pages.items():
        page.set_viewport_size(DESKTOP)
        page.goto(path)
        problems += [f"{name} at desktop width: {problem}" for problem in axe_violations(page)]
        page.set_viewport_size(PHONE)
        problems += [f"{name} at phone width: {problem}" for problem in axe_violations(page)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{name} is {width} px wide on a {PHONE['width']} px phone: readers must scroll sideways")
    assert not problems, "\n".join(problems)


def test_keyboard_user_can_skip_to_the_content_and_sees_the_focus(page, site):
    page.goto(site.pages["article"])
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert focus_outline(page) != "none"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".article-header .kicker a")).to_be_focused()
    assert focus_outline(page) != "none"


def focus_outline(page):
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
