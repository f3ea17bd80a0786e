"""Two people open the same article in their own browsers: each is told the other has it open,
the second as the page loads, the first when the page next asks, and leaving the page is seen,
all within the Content Security Policy."""

import re

import pytest
from playwright.sync_api import expect

from articles import presence
from articles.models import Article
from articles.tests.factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-test-password"


def log_in(page, user):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_two_people_on_the_same_article_see_each_other_named(new_page, monkeypatch):
    monkeypatch.setattr(presence, "POLL_SECONDS", 1)
    article = make_article(status=Article.Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/change/"
    editor, reporter = new_page(), new_page()
    console = []
    for page in (editor, reporter):
        page.on("console", lambda message: console.append(message.text))
    log_in(editor, make_user("Editor", username="eve", first_name="Eve", last_name="Editor", password=PASSWORD))
    log_in(reporter, make_user("Reporter", username="sam", first_name="Sam", last_name="Reporter", password=PASSWORD))

    editor.goto(url)
    expect(editor.locator(".article-presence li")).to_have_count(0)
    reporter.goto(url)
    expect(reporter.locator(".article-presence li")).to_have_text(
        ["Eve Editor (eve) is also editing this article — opened just now"]
    )
    expect(editor.locator(".article-presence li")).to_have_text(
        ["Sam Reporter (sam) is also editing this article — opened just now"]
    )

    reporter.goto("/admin/")
    expect(editor.locator(".article-presence li")).to_have_count(0)
    assert [text for text in console if "Content Security Policy" in text] == []
