"""Who may do what, tried through the real admin: every role attempts every operation, and the
database (not the status code) says whether it happened."""

import json
from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from api.keys import issue_key
from api.models import ApiKey, WebhookDelivery, WebhookEvent, WebhookSubscription
from articles.models import Article, ArticleAuthor, ArticleDraft
from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item

from .admin_forms import form_data
from .factories import make_article, make_author, make_correction, make_user

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


def save_draft_of_published(client, reader):
    """Changes to a live article kept as its draft; readers' version untouched."""
    article = live()
    change(client, reader, article, headline="Changed")
    saved = ArticleDraft.objects.filter(article=article, content__headline="Changed").exists()
    return saved and Article.objects.get(pk=article.pk).headline != "Changed"


def send_changes_to_review(client, reader):
    article = live()
    change(client, reader, article, headline="Changed", _review="Send for review")
    return ArticleDraft.objects.filter(article=article, status=ArticleDraft.Status.REVIEW).exists()


def publish_changes(client, reader):
    article = live()
    change(client, reader, article, headline="Changed", _publish="Publish changes")
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


def publish_with_the_button(client, reader):
    article = draft()
    change(client, reader, article, _publish="Publish")
    return status_of(article) == Article.Status.PUBLISHED


def publish_through_action(client, reader):
    article = draft()
    action(client, "publish_now", article)
    return status_of(article) == Article.Status.PUBLISHED


def unpublish_through_form(client, reader):
    article = live()
    change(client, reader, article, status="draft", _publish="Publish changes")
    return status_of(article) == Article.Status.DRAFT


def unpublish_through_action(client, reader):
    article = live()
    action(client, "unpublish", article)
    return status_of(article) == Article.Status.DRAFT


def send_draft_to_review(client, reader):
    article = draft()
    action(client, "send_to_review", article)
    return status_of(article) == Article.Status.REVIEW


def send_back_to_reporter(client, reader):
    article = make_article(status=Article.Status.REVIEW, authors=[make_author()])
    action(client, "send_back", article)
    return status_of(article) == Article.Status.DRAFT


def take_published_offline_through_review(client, reader):
    """Sending a live article to review sends its changes, never the article itself."""
    article = live()
    action(client, "send_to_review", article)
    return status_of(article) != Article.Status.PUBLISHED


def open_and_save_revision(client, article, version):
    """Open a revision (which loads it into the form) and save that form, as an editor would."""
    shown = client.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))
    if shown.status_code == 200:
        client.post(reverse("admin:articles_article_change", args=[article.pk]), form_data(shown))
    return shown


def forged_choice(client, reader, article, **values):
    """Save the form with "Keep theirs" chosen for ``values``, whose "theirs" the form's own
    copy of the content (a hidden field the browser sends back) claims to be ``values``."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(reader.get(url))
    base = json.loads(data["base_content"])
    data["base_content"] = json.dumps({**base, **values})
    client.post(url, {**data, **{f"resolve_{name}": "theirs" for name in values}, "headline": "Changed"})


def publish_through_a_conflict_choice(client, reader):
    article = draft(credit_line="AP")
    forged_choice(client, reader, article, status="published", published_at=timezone.now().isoformat())
    return status_of(article) == Article.Status.PUBLISHED


def set_times_through_a_conflict_choice(client, reader):
    """Times in a draft of changes take effect when an editor publishes the changes."""
    article = live()
    expiry = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    forged_choice(client, reader, article, expires_at=expiry.isoformat(), status="draft")
    content = ArticleDraft.objects.filter(article=article).values_list("content", flat=True).first() or {}
    return content.get("expires_at") is not None or content.get("status") == "draft"


def revert_changes_status(client, reader):
    """A live article whose first revision was a draft: reverting to it must not unpublish."""
    article = draft()
    first = Version.objects.get_for_object(article).get()
    article.status = Article.Status.PUBLISHED
    article.save()
    open_and_save_revision(client, article, first)
    return status_of(article) != Article.Status.PUBLISHED


def revert_into_the_draft(client, reader):
    article = live(headline="First")
    first = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(headline="Second")
    open_and_save_revision(client, article, first)
    return ArticleDraft.objects.filter(article=article, content__headline="First").exists()


def revert_reaches_another_article(client, reader):
    """A revision saved with two articles in it, opened and saved from one of them."""
    mine, other = draft(headline="Mine"), draft(headline="Other")
    with reversion.create_revision():
        mine.save()
        other.save()
    shared = Version.objects.get_for_object(mine).first()
    other.status, other.published_at = Article.Status.PUBLISHED, timezone.now()
    other.save()
    open_and_save_revision(client, mine, shared)
    return status_of(other) != Article.Status.PUBLISHED


def revert_with_another_articles_version(client, reader):
    mine, other = draft(headline="Mine"), draft(headline="Other's words")
    theirs = Version.objects.get_for_object(other).get()
    shown = client.get(reverse("admin:articles_article_revision", args=[mine.pk, theirs.pk]))
    return shown.status_code == 200 and "Other&#x27;s words" in shown.text


def compare_with_another_articles_version(client, reader):
    mine, other = draft(), draft(headline="Secret other headline")
    theirs = Version.objects.get_for_object(other).get()
    url = reverse("admin:articles_article_compare", args=[mine.pk]) + f"?a={theirs.pk}&b=current"
    return "Secret other headline" in client.get(url).text


def compare_revisions(client, reader):
    article = make_article(status=Article.Status.DRAFT, credit_line="AP")
    first = Version.objects.get_for_object(article).get()
    url = reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={first.pk}&b=current"
    response = client.get(url)
    return response.status_code == 200 and "The two versions are the same." in response.text


def read_history(client, reader):
    article = draft()
    Article.objects.filter(pk=article.pk).update(headline="Since renamed")
    response = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    return response.status_code == 200 and "Since renamed" in response.text


def edit_another_articles_correction_inline(client, reader):
    mine, other = draft(credit_line="AP"), draft()
    correction = make_correction(other)
    at = timezone.localtime(correction.published_at)
    change(
        client,
        reader,
        mine,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-INITIAL_FORMS": "1",
            "corrections-0-id": correction.pk,
            "corrections-0-kind": correction.kind,
            "corrections-0-text": "Rewritten through another article",
            "corrections-0-published_at_0": at.date().isoformat(),
            "corrections-0-published_at_1": at.strftime("%H:%M:%S"),
            "corrections-0-DELETE": "on",
        },
    )
    return not other.corrections.filter(text=correction.text).exists()


def edit_another_articles_byline_inline(client, reader):
    mine, other = draft(), draft()
    byline = other.bylines.get()
    change(client, reader, mine, **{"bylines-0-id": byline.pk, "bylines-0-DELETE": "on"})
    return not other.bylines.exists()


def deleted(article_factory):
    article = article_factory()
    pk = article.pk
    article.delete()
    return Version.objects.get_deleted(Article).get(object_id=str(pk)), pk


def recover_deleted_draft(client, reader):
    version, pk = deleted(draft)
    client.post(reverse("admin:articles_article_recover", args=[version.pk]))
    return Article.objects.filter(pk=pk).exists()


def recover_deleted_published(client, reader):
    version, pk = deleted(lambda: live(credit_line="AP"))
    client.post(reverse("admin:articles_article_recover", args=[version.pk]))
    return Article.objects.published().filter(pk=pk).exists()


def recover_with_a_live_articles_version(client, reader):
    """A version of an article that was never deleted, taken while it was published."""
    article = live(credit_line="AP")
    version = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, headline="Withdrawn")
    client.post(reverse("admin:articles_article_recover", args=[version.pk]))
    return Article.objects.published().exists() or Article.objects.count() != 1


def recover_with_a_byline_version(client, reader):
    """The version id of another kind of deleted row is not an article to recover."""
    byline = draft().bylines.get()
    with reversion.create_revision():
        byline.save()
    version = Version.objects.get_for_object(byline).get()
    byline.delete()
    client.post(reverse("admin:articles_article_recover", args=[version.pk]))
    return ArticleAuthor.objects.filter(pk=byline.pk).exists()


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


def preview_unsaved_form(client, reader):
    article = draft()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(reader.get(url)), "headline": "Typed but not saved"}
    response = client.post(reverse("admin:articles_article_preview", args=[article.pk]), data)
    return response.status_code == 200 and "Typed but not saved" in response.text


def post_breaking_item(client, reader):
    post_form(client, reader, reverse("admin:breaking_tickeritem_add"), text="Breaking: posted")
    return TickerItem.objects.filter(text="Breaking: posted").exists()


def change_ticker_item(client, reader):
    item = make_ticker_item(text="Before")
    post_form(client, reader, reverse("admin:breaking_tickeritem_change", args=[item.pk]), text="After")
    return TickerItem.objects.get(pk=item.pk).text == "After"


def add_api_key(client, reader):
    client.post(reverse("admin:api_apikey_add"), {"name": "Partner"})
    return ApiKey.objects.filter(name="Partner").exists()


def revoke_api_key(client, reader):
    row, _ = issue_key(name="App")
    client.post(reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [row.pk]})
    return ApiKey.objects.get(pk=row.pk).revoked_at is not None


def see_api_keys(client, reader):
    issue_key(name="Listed key")
    return "Listed key" in client.get(reverse("admin:api_apikey_changelist")).text


def add_webhook_subscription(client, reader):
    data = {"url": "https://receiver.example/hook", "events": ["article.published"], "active": "on"}
    client.post(reverse("admin:api_webhooksubscription_add"), data)
    return WebhookSubscription.objects.filter(url="https://receiver.example/hook").exists()


def read_webhook_secret(client, reader):
    subscription = WebhookSubscription.objects.create(url="https://receiver.example/", events=[])
    url = reverse("admin:api_webhooksubscription_change", args=[subscription.pk])
    return subscription.secret in client.get(url).text


def redeliver_webhook(client, reader):
    subscription = WebhookSubscription.objects.create(url="https://receiver.example/", events=[])
    event = WebhookEvent.objects.create(type="article.published", object_type="article", object_id=1)
    delivery = WebhookDelivery.objects.create(
        event=event, subscription=subscription, status=WebhookDelivery.Status.FAILED
    )
    url = reverse("admin:api_webhookdelivery_changelist")
    client.post(url, {"action": "redeliver", "_selected_action": [delivery.pk]})
    return WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDelivery.Status.PENDING


REPORTER_MAY = {
    add_article,
    change_draft,
    save_draft_of_published,
    send_changes_to_review,
    send_draft_to_review,
    revert_into_the_draft,
    compare_revisions,
    preview_draft,
    preview_unsaved_form,
    read_history,
}
EDITOR_MAY = REPORTER_MAY | {
    publish_on_add,
    publish_changes,
    publish_through_form,
    schedule_through_form,
    publish_with_the_button,
    publish_through_action,
    unpublish_through_form,
    unpublish_through_action,
    send_back_to_reporter,
    recover_deleted_draft,
    recover_deleted_published,
    delete_article,
    delete_through_action,
    post_breaking_item,
    change_ticker_item,
}
NOBODY_MAY = {
    publish_through_a_conflict_choice,
    set_times_through_a_conflict_choice,
    take_published_offline_through_review,
    revert_changes_status,
    revert_reaches_another_article,
    revert_with_another_articles_version,
    compare_with_another_articles_version,
    edit_another_articles_byline_inline,
    edit_another_articles_correction_inline,
    recover_with_a_byline_version,
    recover_with_a_live_articles_version,
}
# API keys and webhooks (api/admin.py).
ADMINISTRATOR_MAY = EDITOR_MAY | {
    add_api_key,
    revoke_api_key,
    see_api_keys,
    add_webhook_subscription,
    read_webhook_secret,
    redeliver_webhook,
}
EVERYTHING = ADMINISTRATOR_MAY | NOBODY_MAY
ALLOWED = {
    None: set(),
    "staff": set(),
    "Reporter": REPORTER_MAY,
    "Editor": EDITOR_MAY,
    "Site administrator": ADMINISTRATOR_MAY,
    "superuser": ADMINISTRATOR_MAY,
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


def test_reporter_edits_a_published_article_as_a_draft_and_is_told_so(login):
    article = live(headline="Out already")
    response = login("Reporter").get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert 'name="headline"' in response.text
    assert 'name="_publish"' not in response.text
    assert "readers see them only when they are published by an editor" in response.text


def test_staff_who_may_only_view_articles_see_the_body_rendered_with_the_reason(login):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    article = live(headline="Out already", body="<p>Read <strong>this</strong>.</p>")
    client = login(None)
    client.force_login(viewer)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert "Read <strong>this</strong>." in response.text
    assert "&lt;p&gt;" not in response.text
    assert "You can read this article but not change it" in response.text
    assert 'name="_save"' not in response.text


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


def test_sending_a_published_article_without_changes_to_review_says_there_is_nothing_to_review(login):
    article = live()
    response = login("Reporter").post(
        CHANGELIST, {"action": "send_to_review", "_selected_action": [article.pk]}, follow=True
    )
    assert "have no unpublished changes to review; they are unchanged." in response.content.decode()
    assert status_of(article) == Article.Status.PUBLISHED


def test_reporter_cannot_open_the_tickers(login):
    reporter = login("Reporter")
    for url_name in ["admin:breaking_ticker_changelist", "admin:breaking_tickeritem_add"]:
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
