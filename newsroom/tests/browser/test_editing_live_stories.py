"""Editing a story that is already live, in Chromium, as an editor and a reporter see it: changes
kept as a draft that readers do not see until an editor publishes them, a preview of what is
typed in the form, reverting to an old revision, two people saving the same story, the review
queue on the admin's front page, and the question before leaving unsaved work. Every page state
reached is checked with axe-core."""

import re

import pytest
import reversion
from playwright.sync_api import expect

from articles.models import Article, ArticleDraft
from articles.tests.factories import make_article, make_author, make_user

from .axe import axe_violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIVE_HEADLINE = "Storm nears the coast"
NEW_HEADLINE = "Storm makes landfall"
READER_URL = "/articles/storm/"
# A moment as editors read it, in the site's one format: "3 February 2030, 14:05 UTC"; and to
# the second where two saves must be told apart (revisions, drafts, crossed edits).
MOMENT = r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} [A-Z]{3,4}"
EXACT_MOMENT = r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}:\d{2} [A-Z]{3,4}"


@pytest.fixture
def story():
    """A live story whose first revision holds its byline, as the importer's do."""
    with reversion.create_revision():
        return make_article(
            headline=LIVE_HEADLINE,
            slug="storm",
            dek="The storm is expected on Tuesday.",
            body="<p>The storm is 200 km away.</p>",
            authors=[make_author(name="Ann Lee")],
        )


def editor(**names):
    return make_user("Editor", username="eve", first_name="Eve", last_name="Editor", **names)


def reporter():
    return make_user("Reporter", username="sam", first_name="Sam", last_name="Reporter")


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def body(page):
    """The prose editor of the article's body."""
    return page.get_by_role("textbox", name="Body:", exact=True)


def type_body(page, text):
    """Replace the body in the prose editor with ``text``, as someone typing it would."""
    body(page).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def messages(page):
    """The messages after a save (the notice naming who else is editing is a list of its own)."""
    return page.locator("#content-start > .messagelist > li")


def queued(headline, detail):
    """An entry of the review queue: the headline, then what it is, when and by whom."""
    return re.compile(f"^{re.escape(headline)}\\s+{detail}$")


def assert_accessible(page, what):
    problems = axe_violations(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_an_editor_keeps_changes_to_a_live_story_as_a_draft_until_publishing_them(story, page, new_page):
    log_in(page, editor())
    page.goto(change_url(story))
    expect(page.locator(".editing-notice")).to_have_text(
        "This article is published. Saving keeps your changes as a draft: readers see them only when "
        "they are published."
    )
    page.get_by_label("Headline").fill(NEW_HEADLINE)
    page.get_by_role("button", name="Save draft and continue editing").click()

    expect(messages(page)).to_have_text(
        f"Saved your changes to “{NEW_HEADLINE}” as a draft: readers still see the published version. "
        "Press Publish changes to make them live."
    )
    notice = page.locator(".editing-notice")
    expect(notice).to_contain_text("You are editing its draft of changes")
    expect(notice).to_contain_text(re.compile(f"saved {EXACT_MOMENT} by Eve Editor"))
    expect(page.get_by_label("Headline")).to_have_value(NEW_HEADLINE)
    expect(page.get_by_role("button", name="Publish changes")).to_be_visible()
    assert_accessible(page, "article form with its draft of changes")

    reader = new_page()
    reader.goto(READER_URL)
    expect(reader.get_by_role("heading", level=1)).to_have_text(LIVE_HEADLINE)
    page.goto("/admin/articles/article/")
    row = page.locator("#result_list tbody tr", has_text=LIVE_HEADLINE)
    expect(row.locator(".state")).to_have_text(["Live", "unpublished changes"])

    row.get_by_role("link", name=LIVE_HEADLINE).click()
    page.get_by_role("button", name="Publish changes").click()
    expect(messages(page)).to_have_text(f"Published your changes to “{NEW_HEADLINE}”: readers see them now.")
    expect(page.locator("#result_list tbody tr", has_text=NEW_HEADLINE).locator(".state")).to_have_text(["Live"])
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)
    assert not ArticleDraft.objects.exists()


def test_preview_shows_what_is_typed_in_the_form_and_saves_nothing(story, page):
    log_in(page, editor())
    page.goto(change_url(story))
    page.get_by_label("Headline").fill(NEW_HEADLINE)
    type_body(page, "The storm made landfall at dawn.")

    with page.context.expect_page() as opened:
        page.locator(".submit-row").get_by_role("button", name="Preview").click()
    preview = opened.value
    expect(preview.locator(".preview-banner")).to_have_text("Preview: Live. This is how readers will see the article.")
    expect(preview.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)
    expect(preview.locator(".article-body")).to_have_text("The storm made landfall at dawn.")
    expect(preview.locator(".byline")).to_have_text("By Ann Lee")
    assert_accessible(preview, "preview of unsaved changes")
    preview.close()

    expect(page.get_by_label("Headline")).to_have_value(NEW_HEADLINE)  # the form keeps its work
    assert Article.objects.get(pk=story.pk).headline == LIVE_HEADLINE
    assert not ArticleDraft.objects.exists()

    page.once("dialog", lambda dialog: dialog.accept())  # leaving the unsaved form
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Flood defences hold in the old town")
    type_body(page, "The new barriers kept the river out overnight.")
    with page.context.expect_page() as opened:
        page.locator(".submit-row").get_by_role("button", name="Preview").click()
    preview = opened.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview: Draft.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Flood defences hold in the old town")
    expect(preview.locator(".article-body")).to_have_text("The new barriers kept the river out overnight.")
    assert Article.objects.count() == 1


def test_reverting_puts_an_old_revision_in_the_draft_and_publishing_makes_it_live(story, page, new_page):
    published_at = story.published_at
    log_in(page, editor())
    page.goto(change_url(story))
    page.get_by_label("Headline").fill(NEW_HEADLINE)
    page.get_by_role("button", name="Publish changes").click()
    expect(messages(page)).to_contain_text("readers see them now")

    page.goto(change_url(story))
    page.get_by_role("link", name="History").click()
    saved = page.locator("#change-history tbody th a")
    expect(saved).to_have_count(2)
    expect(saved.first).to_have_text(re.compile(f"^{EXACT_MOMENT}$"))
    expect(page.locator("#change-history tbody tr").first).to_contain_text("The saved article now")
    assert_accessible(page, "history")

    oldest = saved.last.inner_text()
    page.get_by_label(f"Compare from revision 1, of {oldest}").check()
    page.get_by_label("Compare to the saved article").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".revision-compare p").first).to_contain_text(
        re.compile(f"From the revision of {EXACT_MOMENT} by the importer or the shell to the saved article.")
    )
    headline_change = page.locator(".revision-compare tr", has=page.locator("th", has_text="Headline"))
    expect(headline_change.locator("del")).to_have_text("nears the coast")
    expect(headline_change.locator("ins")).to_have_text("makes landfall")
    assert_accessible(page, "compare")

    page.get_by_role("link", name="Back to the history").click()
    page.get_by_role("link", name=f"Open revision 1, of {oldest}, to revert to it").click()
    expect(page.locator("#article_form")).to_have_attribute("action", change_url(story))
    expect(page.locator(".editing-notice")).to_contain_text(f"The content of the revision saved {oldest}")
    expect(page.get_by_label("Headline")).to_have_value(LIVE_HEADLINE)
    assert_accessible(page, "revision loaded into the form")
    page.get_by_role("button", name="Save draft and continue editing").click()

    expect(page.locator(".editing-notice")).to_contain_text("You are editing its draft of changes")
    expect(page.get_by_label("Headline")).to_have_value(LIVE_HEADLINE)
    assert ArticleDraft.objects.get(article=story).content["headline"] == LIVE_HEADLINE
    reader = new_page()
    response = reader.goto(READER_URL)
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)

    page.get_by_role("button", name="Publish changes").click()
    expect(messages(page)).to_have_text(f"Published your changes to “{LIVE_HEADLINE}”: readers see them now.")
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(LIVE_HEADLINE)
    story.refresh_from_db()
    assert (story.status, story.published_at) == (Article.Status.PUBLISHED, published_at)


def test_two_editors_saving_at_once_keep_both_changes_and_choose_where_they_crossed(story, new_page):
    eve, max_ = new_page(), new_page()
    log_in(eve, editor())
    log_in(max_, make_user("Editor", username="max", first_name="Max", last_name="Mustermann"))
    eve.goto(change_url(story))
    max_.goto(change_url(story))
    expect(max_.locator(".article-presence li")).to_have_text(
        ["Eve Editor (eve) is also editing this article — opened just now"]
    )

    eve.get_by_label("Summary").fill("The storm reached the coast on Monday night.")
    eve.get_by_role("button", name="Save draft and continue editing").click()
    expect(messages(eve)).to_contain_text("Saved your changes")
    type_body(max_, "The storm made landfall at dawn.")
    max_.get_by_role("button", name="Save draft and continue editing").click()

    expect(messages(max_)).to_contain_text(
        re.compile(
            f"^Eve Editor saved this article at {EXACT_MOMENT} while you had it open; their changes \\(summary\\) "
            "were kept along with yours. Saved your changes"
        )
    )
    expect(max_.get_by_label("Summary")).to_have_value("The storm reached the coast on Monday night.")
    expect(body(max_)).to_have_text("The storm made landfall at dawn.")
    draft = ArticleDraft.objects.get(article=story).content
    assert (draft["dek"], draft["body"]) == (
        "The storm reached the coast on Monday night.",
        "<p>The storm made landfall at dawn.</p>",
    )

    eve.reload()
    eve.get_by_label("Headline").fill("Storm hits the coast at dawn")
    eve.get_by_role("button", name="Save draft and continue editing").click()
    expect(messages(eve)).to_contain_text("Saved your changes")
    max_.get_by_label("Headline").fill("Storm batters the coast")
    max_.get_by_role("button", name="Save draft and continue editing").click()

    expect(messages(max_)).to_contain_text(
        re.compile(
            f"^Eve Editor saved this article at {EXACT_MOMENT} while you had it open. .*you both changed headline: "
            "choose which version of each to keep, then save again. Nothing has been saved yet.$"
        )
    )
    choice = max_.get_by_role("row", name=re.compile("^Headline"))
    expect(max_.locator(".conflicts thead th")).to_have_text(
        ["Field", "Their version (saved)", "Your version (in the form below)"]
    )
    expect(choice.locator(".conflict-value")).to_have_text(["Storm hits the coast at dawn", "Storm batters the coast"])
    expect(choice.get_by_label("Keep yours")).to_be_checked()
    assert ArticleDraft.objects.get(article=story).content["headline"] == "Storm hits the coast at dawn"
    assert_accessible(max_, "choice between crossed edits")

    choice.get_by_label("Keep theirs").check()
    max_.get_by_role("button", name="Save draft and continue editing").click()
    expect(messages(max_)).to_have_text(
        "Saved your changes to “Storm hits the coast at dawn” as a draft: readers still see the published "
        "version. Press Publish changes to make them live."
    )
    expect(max_.locator(".conflicts")).to_have_count(0)
    expect(max_.get_by_label("Headline")).to_have_value("Storm hits the coast at dawn")
    draft = ArticleDraft.objects.get(article=story).content
    assert (draft["headline"], draft["dek"], draft["body"]) == (
        "Storm hits the coast at dawn",
        "The storm reached the coast on Monday night.",
        "<p>The storm made landfall at dawn.</p>",
    )


def test_a_reporters_changes_to_a_live_story_go_to_the_editors_and_come_back(story, new_page):
    make_article(headline="Refinery strike enters second week", status=Article.Status.REVIEW, credit_line="AP")
    sam, eve = new_page(), new_page()
    log_in(sam, reporter())
    log_in(eve, editor())

    sam.goto(change_url(story))
    expect(sam.get_by_role("button", name="Publish changes")).to_have_count(0)
    sam.get_by_label("Headline").fill(NEW_HEADLINE)
    sam.get_by_role("button", name="Send for review").click()
    expect(messages(sam)).to_have_text(
        f"Sent your changes to “{NEW_HEADLINE}” to review: editors will see them in their queue. "
        "Readers still see the published version."
    )
    sam.goto("/admin/")
    waiting = sam.get_by_role("region", name="Waiting for an editor")
    expect(waiting.get_by_role("listitem")).to_have_text(
        [queued(LIVE_HEADLINE, f"changes to a live article, {MOMENT}, Sam Reporter")]
    )
    expect(sam.get_by_role("region", name="Awaiting review")).to_have_count(0)
    assert_accessible(sam, "reporter's review queue")

    eve.goto("/admin/")
    awaiting = eve.get_by_role("region", name="Awaiting review")
    expect(awaiting.locator(".queue-counts")).to_have_text("1 article and 1 change to live article, newest first.")
    expect(awaiting.get_by_role("listitem")).to_have_text(
        [
            queued(LIVE_HEADLINE, f"changes to a live article, {MOMENT}, Sam Reporter"),
            queued("Refinery strike enters second week", f"new article, {MOMENT}"),
        ]
    )
    assert_accessible(eve, "editor's review queue")

    awaiting.get_by_role("link", name=LIVE_HEADLINE).click()
    expect(eve.locator(".editing-notice")).to_contain_text(
        re.compile(f"You are editing its draft of changes, in review, saved {EXACT_MOMENT} by Sam Reporter")
    )
    expect(eve.get_by_label("Headline")).to_have_value(NEW_HEADLINE)
    eve.get_by_role("button", name="Send back to the reporter").click()
    expect(messages(eve)).to_have_text(
        f"Sent the changes to “{NEW_HEADLINE}” back to the reporter. Readers still see the published version."
    )
    eve.goto("/admin/")
    expect(eve.get_by_role("region", name="Awaiting review").get_by_role("listitem")).to_have_text(
        [re.compile("^Refinery strike enters second week")]
    )

    sam.reload()
    sent_back = sam.get_by_role("region", name="Sent back to you")
    expect(sent_back.get_by_role("listitem")).to_have_text(
        [queued(LIVE_HEADLINE, f"changes to a live article, {MOMENT}, Eve Editor")]
    )
    expect(sam.get_by_role("region", name="Waiting for an editor")).to_contain_text(
        "Nothing of yours is waiting for review."
    )
    assert_accessible(sam, "reporter's review queue with changes sent back")
    sent_back.get_by_role("link", name=LIVE_HEADLINE).click()
    expect(sam.locator(".editing-notice")).to_contain_text(re.compile(f"An editor sent these changes back on {MOMENT}"))
    expect(sam.get_by_label("Headline")).to_have_value(NEW_HEADLINE)
    assert Article.objects.get(pk=story.pk).headline == LIVE_HEADLINE


def test_leaving_a_form_with_unsaved_changes_asks_first(story, page):
    log_in(page, editor())
    page.goto(change_url(story))
    page.get_by_label("Headline").fill(NEW_HEADLINE)

    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.get_by_role("link", name="Home", exact=True).click()
    assert asked.value.type == "beforeunload"
    expect(page).to_have_url(re.compile(f"{change_url(story)}$"))
    expect(page.get_by_label("Headline")).to_have_value(NEW_HEADLINE)

    page.get_by_role("button", name="Save draft and continue editing").click()
    expect(messages(page)).to_contain_text("Saved your changes")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page).to_have_url(re.compile("/admin/$"))
    assert dialogs == []
