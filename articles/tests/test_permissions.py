"""Who may do what, tried through the real admin: every role attempts every operation, and the
database (not the status code) says whether it happened."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, TickerItem

from .admin_forms import form_data
from .factories import make_article, make_author, make_ticker_item, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def draft(**fields):
    return make_article(status=Article.Status.DRAFT, authors=[make_author()], **fields)


def live(**fields):
    return make_article(authors=[make_author()], **fields)


def status_of(article):
    return Article.objects.get(pk=article.pk).status


def post_form(client, reader, url, **changes):
    """POST the form at ``url`` as ``reader`` (who may open it) sees it, with ``changes``."""
    return client.post(url, {**form_data(reader.get(url)), **changes})


def change(client, reader, article, **changes):
    return post_form(client, reader, reverse("admin:articles_article_change", args=[article.pk]), **changes)


def action(client, name, article, **extra):
    return client.post(CHANGELIST, {"action": name, "_selected_action": [article.pk], **extra})


def add_article(client, reader):
    post_form(client, reader, reverse("admin:articles_article_add"), headline="Added", slug="added", status="draft")
    return Article.objects.filter(slug="added").exists()


def publish_on_add(client, reader):
    now = timezone.localtime()
    post_form(
        client,
        reader,
        reverse("admin:articles_article_add"),
        headline="Added",
        slug="added",
        body="<p>Text.</p>",
        credit_line="Reuters",
        status="published",
        published_at_0=now.date().isoformat(),
        published_at_1=now.strftime("%H:%M:%S"),
    )
    return Article.objects.filter(slug="added", status=Article.Status.PUBLISHED).exists()


def change_draft(client, reader):
    article = draft()
    change(client, reader, article, headline="Changed")
    return Article.objects.get(pk=article.pk).headline == "Changed"


def change_published(client, reader):
    article = live()
    change(client, reader, article, headline="Changed")
    return Article.objects.get(pk=article.pk).headline == "Changed"


def publish_for(name, when):
    """Publish a draft through the change form, ``when`` from now; the attempt is called ``name``."""

    def attempt(client, reader):
        article = draft()
        moment = timezone.localtime() + when
        change(
            client,
            reader,
            article,
            status="published",
            published_at_0=moment.date().isoformat(),
            published_at_1=moment.strftime("%H:%M:%S"),
        )
        return status_of(article) == Article.Status.PUBLISHED

    attempt.__name__ = name
    return attempt


publish_through_form = publish_for("publish_through_form", timedelta(0))
schedule_through_form = publish_for("schedule_through_form", timedelta(days=1))


def publish_through_action(client, reader):
    article = draft()
    action(client, "publish_now", article)
    return status_of(article) == Article.Status.PUBLISHED


def unpublish_through_form(client, reader):
    article = live()
    change(client, reader, article, status="draft")
    return status_of(article) == Article.Status.DRAFT


def unpublish_through_action(client, reader):
    article = live()
    action(client, "unpublish", article)
    return status_of(article) == Article.Status.DRAFT


def send_draft_to_review(client, reader):
    article = draft()
    action(client, "send_to_review", article)
    return status_of(article) == Article.Status.REVIEW


def send_published_to_review(client, reader):
    article = live()
    action(client, "send_to_review", article)
    return status_of(article) == Article.Status.REVIEW


def revert_published_to_draft(client, reader):
    article = draft()
    first = Version.objects.get_for_object(article).get()
    article.status = Article.Status.PUBLISHED
    article.save()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    post_form(client, reader, url)
    return status_of(article) == Article.Status.DRAFT


def delete_article(client, reader):
    article = draft()
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    return not Article.objects.filter(pk=article.pk).exists()


def delete_through_action(client, reader):
    article = draft()
    action(client, "delete_selected", article, post="yes")
    return not Article.objects.filter(pk=article.pk).exists()


def preview_draft(client, reader):
    article = draft(headline="A draft nobody has seen")
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    return response.status_code == 200 and "A draft nobody has seen" in response.content.decode()


def post_breaking_item(client, reader):
    post_form(client, reader, reverse("admin:articles_tickeritem_add"), text="Breaking: posted")
    return TickerItem.objects.filter(text="Breaking: posted").exists()


def change_ticker_item(client, reader):
    item = make_ticker_item(text="Before")
    post_form(client, reader, reverse("admin:articles_tickeritem_change", args=[item.pk]), text="After")
    return TickerItem.objects.get(pk=item.pk).text == "After"


REPORTER_MAY = {add_article, change_draft, send_draft_to_review, preview_draft}
EVERYTHING = {
    add_article,
    publish_on_add,
    change_draft,
    change_published,
    publish_through_form,
    schedule_through_form,
    publish_through_action,
    unpublish_through_form,
    unpublish_through_action,
    send_draft_to_review,
    send_published_to_review,
    revert_published_to_draft,
    delete_article,
    delete_through_action,
    preview_draft,
    post_breaking_item,
    change_ticker_item,
}
ALLOWED = {
    None: set(),
    "Reporter": REPORTER_MAY,
    "Editor": EVERYTHING,
    "Site administrator": EVERYTHING,
    "superuser": EVERYTHING,
}


@pytest.mark.parametrize("operation", sorted(EVERYTHING, key=lambda op: op.__name__), ids=lambda op: op.__name__)
@pytest.mark.parametrize("role", list(ALLOWED), ids=lambda role: role or "anonymous")
def test_each_role_may_do_exactly_what_it_is_allowed(login, role, operation):
    reader = login("superuser")
    assert operation(login(role), reader) is (operation in ALLOWED[role])


def test_roles_come_from_a_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor", "Site administrator"}
    editor = Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    reporter = Group.objects.get(name="Reporter").permissions.values_list("codename", flat=True)
    assert "publish_article" in editor
    assert "publish_article" not in reporter
    assert not any("ticker" in codename for codename in reporter)


def test_reporter_sees_a_published_article_read_only(login):
    article = live(headline="Out already")
    response = login("Reporter").get(reverse("admin:articles_article_change", args=[article.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Out already" in page
    assert 'name="headline"' not in page
    assert 'name="_save"' not in page


def test_reporter_is_not_offered_published_as_a_status(login):
    article = draft()
    response = login("Reporter").get(reverse("admin:articles_article_change", args=[article.pk]))
    statuses = [value for value, _ in response.context["adminform"].form.fields["status"].choices]
    assert statuses == ["draft", "review"]
    assert "Send the article to review; an editor publishes it." in response.content.decode()


def test_reporter_is_not_offered_the_publishing_actions(login):
    response = login("Reporter").get(CHANGELIST)
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "send_to_review" in actions
    assert not {"publish_now", "unpublish", "delete_selected"} & set(actions)


def test_reporter_posting_published_status_is_told_only_editors_publish(login):
    article = draft()
    reporter = login("Reporter")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = reporter.post(url, {**form_data(reporter.get(url)), "status": "published"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    assert status_of(article) == Article.Status.DRAFT


def test_reporter_sending_a_published_article_to_review_is_told_why_not(login):
    article = live()
    response = login("Reporter").post(
        CHANGELIST, {"action": "send_to_review", "_selected_action": [article.pk]}, follow=True
    )
    assert "Only editors can take a published article back to review." in response.content.decode()
    assert status_of(article) == Article.Status.PUBLISHED


def test_reporter_cannot_open_the_tickers(login):
    reporter = login("Reporter")
    for url_name in ["admin:articles_ticker_changelist", "admin:articles_tickeritem_add"]:
        assert reporter.get(reverse(url_name)).status_code == 403


def test_staff_without_a_role_cannot_open_articles(login):
    client = login("staff")
    assert client.get(CHANGELIST).status_code == 403
    assert not add_article(client, login("superuser"))


def test_a_user_who_is_not_staff_cannot_use_the_admin(login):
    client = login(None)
    client.force_login(make_user(role="Editor", is_staff=False))
    article = draft()
    response = action(client, "publish_now", article)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert status_of(article) == Article.Status.DRAFT
