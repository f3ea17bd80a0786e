"""An editor posts an update from the live story's admin page while a reader has the live page
open: the reader is told of the new update without a reload, it is inserted when they ask
without moving what they were reading, and edits and removals change in place, at a phone's width
and a desktop's, with no accessibility violation and within the Content Security Policy. An
editor makes a live story the lead, and readers see it on the home page as live."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.tests.factories import make_article, make_section, make_user
from breaking import services, views
from breaking.models import LiveUpdate
from breaking.tests.factories import make_live_story, make_ticker_item, make_update
from newsroom.dates import when

from .axe import axe_violations
from .conftest import DESKTOP, PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
PARAGRAPH = "<p>Rain bands reach the harbour wall and the coastguard asks people to stay indoors.</p>"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_update_posted_in_the_admin_reaches_an_open_live_page_without_a_reload(
    new_page, monkeypatch, page_cache, viewport
):
    monkeypatch.setattr(views, "POLL_SECONDS", 1)
    story = make_live_story(headline="Storm hits the coast", slug="storm", summary="Winds of 150 km/h.")
    earlier = [
        make_update(story, title=f"Earlier update {number}", body=PARAGRAPH * 3,
                    posted_at=timezone.now() - timedelta(minutes=60 - number))
        for number in range(12)
    ]  # fmt: skip
    reader = new_page(viewport)
    console = []
    reader.on("console", lambda message: console.append(message.text))
    reader.goto("/live/storm/")
    reading = reader.locator(f"#update-{earlier[6].pk}")
    reading.evaluate("element => element.scrollIntoView()")
    assert axe_violations(reader) == []

    editor = new_page(DESKTOP)
    log_in(editor, make_user("Editor", password=PASSWORD))
    editor.goto(f"/admin/breaking/livestory/{story.pk}/change/")
    editor.locator("#live-post-form").get_by_label("Title").fill("Landfall at Port Ellis")
    editor.locator("#live-post-form .ProseMirror[contenteditable=true]").click()
    editor.keyboard.type("The eye of the storm is over the town.")
    editor.get_by_role("button", name="Post", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("It is live.")
    expect(editor.locator(".live-newest tbody tr").first).to_contain_text("Landfall at Port Ellis")
    assert axe_violations(editor) == []

    button = reader.locator(".live-new-button")
    expect(button).to_have_text("1 new update")
    before = reading.bounding_box()["y"]
    button.click()
    stream = reader.locator("[data-stream] > li")
    expect(stream.first).to_contain_text("Landfall at Port Ellis")
    expect(stream.first).to_contain_text("The eye of the storm is over the town.")
    expect(button).to_be_hidden()
    assert abs(reading.bounding_box()["y"] - before) < 2  # the reader's place did not move

    posted = LiveUpdate.objects.get(title="Landfall at Port Ellis")
    posted.title = "Landfall at Port Ellis, 14:05"
    services.record_edit(update=posted, user=None)
    expect(reader.locator(f"#update-{posted.pk}")).to_contain_text("Landfall at Port Ellis, 14:05")
    expect(reader.locator(f"#update-{posted.pk}")).to_contain_text("Edited")
    services.remove_update(update=earlier[11], user=None)
    expect(reader.locator(f"#update-{earlier[11].pk}")).to_contain_text("This update was removed")
    expect(reader.locator(f"#update-{earlier[11].pk}")).not_to_contain_text("Earlier update 11")
    expect(button).to_be_hidden()

    assert axe_violations(reader) == []
    assert [text for text in console if "Content Security Policy" in text] == []


def test_without_javascript_the_live_page_is_complete(browser, live_server):
    story = make_live_story(slug="storm")
    make_update(story, title="Landfall", key_event=True)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/live/storm/")
        expect(page.locator("[data-stream] > li")).to_contain_text(["Landfall"])
        expect(page.locator(".live-key-events a")).to_contain_text(["Landfall"])
        expect(page.locator(".live-new-button")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_editor_makes_a_live_story_the_lead_and_readers_see_it_live_on_the_home_page(new_page, page_cache, viewport):
    weather = make_section(name="Weather", slug="weather")
    make_article(headline="Ferries cancelled until Friday", section=weather)
    story = make_live_story(
        headline="Storm hits the coast", slug="storm", summary="Winds of 150 km/h.", section=weather,
        starts_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    make_update(story, title="Warning issued", posted_at=timezone.now() - timedelta(minutes=30))
    make_ticker_item(text="Follow the storm live", live_story=story)

    editor = new_page(DESKTOP)
    log_in(editor, make_user("Editor", password=PASSWORD))
    editor.goto("/admin/frontpage/placement/add/")
    editor.get_by_label("Place").select_option(label="Lead story")
    editor.locator(".field-live_story .select2-selection").click()
    editor.locator(".select2-search__field").fill("Storm")
    editor.get_by_role("option", name="Storm hits the coast").click()
    editor.get_by_label("Show for").select_option(label="Until replaced (lead story only)")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")

    reader = new_page(viewport)
    reader.goto("/")
    lead = reader.locator(".lead-story.live-lead")
    expect(lead.get_by_role("heading", level=2)).to_have_text("Storm hits the coast")
    expect(lead.locator(".live-label")).to_be_visible()
    expect(lead.locator(".live-label")).to_have_text("Live")
    expect(lead.locator(".live-latest time")).to_have_text(when(LiveUpdate.objects.get().posted_at))
    expect(lead.locator(".dek")).to_have_text("Winds of 150 km/h.")
    # The lead starts in the first screen, under a one-line ticker that shows the story as live too.
    assert lead.bounding_box()["y"] < viewport["height"] / 2
    expect(reader.locator(".ticker-items li.is-current .live-label")).to_be_visible()
    assert axe_violations(reader) == []

    update = services.post_update(story=story, user=None, title="Landfall at Port Ellis")
    reader.reload()
    expect(lead.locator(".live-latest time")).to_have_text(when(update.posted_at))
    lead.get_by_role("link", name="Storm hits the coast").click()
    expect(reader).to_have_url(re.compile(r"/live/storm/$"))
    expect(reader.locator("[data-stream] > li").first).to_contain_text("Landfall at Port Ellis")
