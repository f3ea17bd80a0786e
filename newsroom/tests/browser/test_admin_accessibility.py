"""Every admin page an editor or a reporter works in, checked in Chromium: axe-core finds no
serious or critical accessibility problem, with every collapsed fieldset opened so that the
fields inside it are checked too; and the inputs that scripts make (the prose editor, the
autocompletes) carry their field's name."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Version

from articles.editing import saved_content
from articles.models import Article, ArticleDraft
from articles.tests.factories import make_article, make_author, make_user
from breaking.models import TickerItem
from breaking.tests.factories import breaking_news
from frontpage.models import Placement

from .axe import axe_violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def article_pages(article):
    latest = Version.objects.get_for_object(article).first()
    return {
        "article form": reverse("admin:articles_article_change", args=[article.pk]),
        "article history": reverse("admin:articles_article_history", args=[article.pk]),
        "article compare": reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={latest.pk}&b=current",
        "revision loaded into the form": reverse("admin:articles_article_revision", args=[article.pk, latest.pk]),
        "article preview": reverse("admin:articles_article_preview", args=[article.pk]),
    }


def with_draft_of_changes(article):
    """``article`` (published) with a draft of changes in review, as the queue and form show it."""
    ArticleDraft.objects.create(
        article=article,
        content={**saved_content(article), "headline": "Changed, not yet published"},
        status=ArticleDraft.Status.REVIEW,
    )
    return article


def editor_pages(site):
    author = site.lead.authors.first()
    item = TickerItem.objects.filter(article=site.lead).get()
    placement = Placement.objects.create(place=Placement.Place.LEAD, article=site.lead)
    return {
        "admin index": reverse("admin:index"),
        "article list": reverse("admin:articles_article_changelist"),
        "article add form": reverse("admin:articles_article_add"),
        **article_pages(with_draft_of_changes(site.lead)),
        "recover deleted articles": reverse("admin:articles_article_recoverlist"),
        "ticker item list": reverse("admin:breaking_tickeritem_changelist"),
        "ticker item add form": reverse("admin:breaking_tickeritem_add"),
        "ticker item form": reverse("admin:breaking_tickeritem_change", args=[item.pk]),
        "ticker list": reverse("admin:breaking_ticker_changelist"),
        "ticker form": reverse("admin:breaking_ticker_change", args=[breaking_news().pk]),
        "author list": reverse("admin:authors_author_changelist"),
        "author add form": reverse("admin:authors_author_add"),
        "author form": reverse("admin:authors_author_change", args=[author.pk]),
        "front page placement list": reverse("admin:frontpage_placement_changelist"),
        "front page placement add form": reverse("admin:frontpage_placement_add"),
        "front page placement form": reverse("admin:frontpage_placement_change", args=[placement.pk]),
    }


def reporter_pages(site):
    draft = make_article(headline="Port strike enters its third day", status=Article.Status.DRAFT)
    draft.bylines.create(author=make_author(name="Dana Reyes"), order=0)
    return {
        "admin index": reverse("admin:index"),
        "article list": reverse("admin:articles_article_changelist"),
        "article add form": reverse("admin:articles_article_add"),
        **article_pages(draft),
        "published article (read only)": reverse("admin:articles_article_change", args=[site.lead.pk]),
        "author list": reverse("admin:authors_author_changelist"),
        "author (read only)": reverse("admin:authors_author_change", args=[site.lead.authors.first().pk]),
    }


@pytest.mark.parametrize(("role", "pages"), [("Editor", editor_pages), ("Reporter", reporter_pages)])
def test_every_admin_page_of_the_role_passes_axe(page, site, role, pages):
    log_in(page, make_user(role))
    problems = []
    for name, path in pages(site).items():
        response = page.goto(path)
        assert response.ok, f"{name} ({path}): {response.status}"
        page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")
        problems += [f"{role}, {name}: {problem}" for problem in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_the_inputs_scripts_make_are_named_after_their_fields(page, site):
    log_in(page, make_user("Editor"))
    page.goto(reverse("admin:articles_article_change", args=[site.lead.pk]))
    expect(page.get_by_role("textbox", name="Body:", exact=True)).to_have_attribute("contenteditable", "true")
    expect(page.get_by_role("combobox", name="Author Irina Slav", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Author", exact=True)).to_be_visible()  # the empty row

    page.goto(reverse("admin:breaking_tickeritem_add"))
    page.get_by_role("heading", name="Link and timing").click()
    expect(page.get_by_role("combobox", name="Article:", exact=True)).to_be_visible()
