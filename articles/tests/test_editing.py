"""Editing live stories: drafts of published articles, publishing changes, previews of unsaved
changes, reverting, comparing, two people editing at once, and what a refused save keeps."""

from datetime import timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Article, ArticleDraft, Correction
from newsroom.models import PagePurge
from newsroom.tests.uploads import image_upload

from .admin_forms import change_url, edit, form_data, messages_of
from .factories import make_article, make_author, make_correction

pytestmark = pytest.mark.django_db


def live_story(**fields):
    fields.setdefault("authors", [make_author(name="Ann Lee")])
    return make_article(headline="Storm nears the coast", body="<p>The storm is 200 km away.</p>", **fields)


# Drafts of live articles


def test_saving_a_live_article_keeps_a_draft_and_readers_still_see_the_published_version(editor_client, client):
    article = live_story(slug="storm")
    before = client.get("/articles/storm/")
    purges = PagePurge.objects.count()

    response = edit(editor_client, article, headline="Storm makes landfall", body="<p>It is here.</p>")

    assert response.status_code == 302
    assert "readers still see the published version" in messages_of(response)[0]
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Storm nears the coast", "<p>The storm is 200 km away.</p>")
    draft = ArticleDraft.objects.get(article=article)
    assert (draft.content["headline"], draft.content["body"]) == ("Storm makes landfall", "<p>It is here.</p>")
    assert PagePurge.objects.count() == purges  # no cached page went stale
    page = client.get("/articles/storm/")
    assert "Storm nears the coast" in page.text and "Storm makes landfall" not in page.text
    assert page["ETag"] == before["ETag"]
    for path in ("/feeds/latest/", "/search/?q=landfall", "/sitemap-news.xml", "/"):
        assert "Storm makes landfall" not in client.get(path).text


def test_the_form_opens_on_the_draft_with_its_authors_and_says_so(editor_client):
    article = live_story()
    bob = make_author(name="Bob Ray")
    edit(editor_client, article, headline="Storm makes landfall", **{"bylines-1-author": bob.pk})

    response = editor_client.get(change_url(article))

    data = form_data(response)
    assert data["headline"] == "Storm makes landfall"
    assert [data["bylines-0-author"], data["bylines-1-author"]] == [
        str(article.bylines.get().author_id),
        str(bob.pk),
    ]
    assert "You are editing its <strong>draft of changes</strong>" in response.text
    assert 'name="_publish"' in response.text


def test_publish_changes_makes_the_draft_live_with_its_authors_and_corrections(editor_client, client):
    article = live_story(slug="storm")
    bob = make_author(name="Bob Ray")
    now = timezone.localtime()
    edit(
        editor_client,
        article,
        headline="Storm makes landfall",
        **{
            "bylines-1-author": bob.pk,
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "update",
            "corrections-0-text": "Updated with landfall.",
            "corrections-0-published_at_0": now.date().isoformat(),
            "corrections-0-published_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert not article.corrections.exists()

    response = edit(editor_client, article, _publish="Publish changes")

    assert response.status_code == 302
    assert messages_of(response) == ["Published your changes to “Storm makes landfall”: readers see them now."]
    article.refresh_from_db()
    assert article.headline == "Storm makes landfall"
    assert [b.author.name for b in article.bylines.all()] == ["Ann Lee", "Bob Ray"]
    assert [c.text for c in article.corrections.all()] == ["Updated with landfall."]
    assert not ArticleDraft.objects.filter(article=article).exists()
    assert "Storm makes landfall" in client.get("/articles/storm/").text
    assert Version.objects.get_for_object(article).count() == 2


def test_publishing_changes_keeps_corrections_that_stay_as_they_are(editor_client):
    article = live_story()
    kept = make_correction(article, text="An earlier version misnamed the town.")
    edit(editor_client, article, _publish="Publish changes", headline="Storm makes landfall")
    assert list(article.corrections.all()) == [kept]


def test_changelist_marks_live_articles_with_unpublished_changes(editor_client):
    changed, unchanged = live_story(), make_article(headline="Quiet day")
    edit(editor_client, changed, headline="Storm makes landfall")

    page = editor_client.get(reverse("admin:articles_article_changelist")).text
    assert page.count('<span class="state state-changes">unpublished changes</span>') == 1
    filtered = editor_client.get(reverse("admin:articles_article_changelist"), {"state": "changes"}).text
    assert "Storm nears the coast" in filtered and unchanged.headline not in filtered


def test_view_on_site_is_offered_only_where_readers_can_see_the_article(editor_client):
    now = timezone.now()
    for article, shown in [
        (make_article(), True),
        (make_article(status=Article.Status.DRAFT), False),
        (make_article(status=Article.Status.REVIEW), False),
        (make_article(published_at=now + timedelta(hours=1)), False),
        (make_article(published_at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1)), False),
    ]:
        page = editor_client.get(change_url(article)).text
        assert ("View on site" in page) is shown, article.state


# Reporters and live articles


def test_reporter_saves_changes_to_a_live_article_and_sends_them_for_review(reporter_client):
    article = live_story()

    response = edit(reporter_client, article, headline="Storm makes landfall", _review="Send for review")

    assert response.status_code == 302
    assert "Sent your changes to “Storm makes landfall” to review: editors will see them" in messages_of(response)[0]
    assert Article.objects.get(pk=article.pk).headline == "Storm nears the coast"
    assert ArticleDraft.objects.get(article=article).status == ArticleDraft.Status.REVIEW


def test_reporter_cannot_publish_changes_even_by_posting_the_button(reporter_client):
    article = live_story()
    response = edit(reporter_client, article, headline="Storm makes landfall", _publish="Publish changes")

    assert response.status_code == 200
    assert "Only editors can publish" in str(response.context["adminform"].form.non_field_errors())
    assert Article.objects.get(pk=article.pk).headline == "Storm nears the coast"
    assert not ArticleDraft.objects.exists()


def test_only_editors_set_publication_and_expiry_times(reporter_client):
    article = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    data = form_data(reporter_client.get(change_url(article)))
    assert "published_at_0" not in data and "expires_at_0" not in data

    later = timezone.localtime() + timedelta(days=3)
    reporter_client.post(
        change_url(article),
        {
            **data,
            "published_at_0": later.date().isoformat(),
            "published_at_1": "10:00:00",
            "expires_at_0": "2031-01-01",
        },
    )

    article.refresh_from_db()
    assert (article.published_at, article.expires_at) == (None, None)


# Preview


def test_preview_shows_what_is_in_the_form_unsaved_changes_included(editor_client):
    article = live_story()
    data = form_data(editor_client.get(change_url(article)))

    response = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]),
        {**data, "headline": "Unsaved headline", "body": "<p>Unsaved body.</p>"},
    )

    assert response.status_code == 200
    assert "Unsaved headline" in response.text and "Unsaved body." in response.text
    assert "Ann Lee" in response.text
    assert response["Cache-Control"].startswith("max-age=0")
    article.refresh_from_db()
    assert article.headline == "Storm nears the coast"
    assert not ArticleDraft.objects.exists()


def test_preview_works_on_the_add_form_before_anything_is_saved(editor_client):
    add_url = reverse("admin:articles_article_add")
    author = make_author(name="Cy Doe")
    data = {
        **form_data(editor_client.get(add_url)),
        "headline": "Not saved anywhere",
        "body": "<p>Draft text.</p>",
        "bylines-0-author": author.pk,
    }

    response = editor_client.post(reverse("admin:articles_article_preview_new"), data)

    assert response.status_code == 200
    assert "Not saved anywhere" in response.text and "Cy Doe" in response.text
    assert not Article.objects.exists()


def test_preview_of_a_form_with_errors_says_what_to_fix(editor_client):
    article = live_story()
    data = form_data(editor_client.get(change_url(article)))
    response = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]), {**data, "headline": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_preview_link_shows_the_draft_of_changes(editor_client):
    article = live_story()
    edit(editor_client, article, headline="Storm makes landfall")
    response = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert "Storm makes landfall" in response.text


# Revert


def first_revision(article):
    return Version.objects.get_for_object(article).last()


def revert(client, article, version):
    """Open a revision, then save the form it loads, as an editor would."""
    form = client.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))
    assert form.status_code == 200
    assert f'action="{change_url(article)}"' in form.text
    return client.post(change_url(article), form_data(form))


def test_revert_puts_the_old_content_in_the_draft_and_never_changes_state_or_times(editor_client, client):
    # Saved first as scheduled for the future, then published now: the first revision holds a
    # publication time that has not come yet.
    article = live_story(slug="storm", credit_line="Reuters", published_at=timezone.now() + timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=5))
    published_at = Article.objects.get(pk=article.pk).published_at
    edit(editor_client, article, _publish="Publish changes", headline="Storm makes landfall")

    response = revert(editor_client, article, first_revision(article))

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status, article.published_at) == (
        "Storm makes landfall",
        Article.Status.PUBLISHED,
        published_at,
    )
    assert article.is_public()
    assert client.get("/articles/storm/").status_code == 200
    draft = ArticleDraft.objects.get(article=article)
    assert draft.content["headline"] == "Storm nears the coast"
    assert draft.content["status"] == "published"

    edit(editor_client, article, _publish="Publish changes")
    article.refresh_from_db()
    assert (article.headline, article.published_at, article.is_public()) == (
        "Storm nears the coast",
        published_at,
        True,
    )


def test_revert_restores_the_authors_of_the_revision(editor_client):
    article = make_article(status=Article.Status.DRAFT, authors=[make_author(name="Ann Lee")])
    edit(editor_client, article, headline="With Ann")
    with_ann = Version.objects.get_for_object(article).first()
    bob = make_author(name="Bob Ray")
    edit(editor_client, article, **{"bylines-0-DELETE": "on", "bylines-1-author": bob.pk})
    assert [b.author.name for b in article.bylines.all()] == ["Bob Ray"]

    revert(editor_client, article, with_ann)

    assert [b.author.name for b in article.bylines.all()] == ["Ann Lee"]
    assert article.status == Article.Status.DRAFT


def test_revert_touches_only_the_article_in_the_address_whatever_else_its_revision_holds(login):
    """Revisions made before each article had revisions of its own may hold several articles."""
    c = make_article(headline="C", status=Article.Status.DRAFT, credit_line="AP")
    d = make_article(headline="D", status=Article.Status.DRAFT, credit_line="AP")
    with reversion.create_revision():
        c.status = d.status = Article.Status.REVIEW
        c.save()
        d.save()
    shared = Version.objects.get_for_object(c).first()
    assert shared.revision.version_set.count() == 2
    d.status, d.published_at = Article.Status.PUBLISHED, timezone.now()
    d.save()

    response = revert(login("Reporter"), c, shared)

    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.is_public()) == (Article.Status.PUBLISHED, True)


def test_a_revision_of_another_article_is_not_found(editor_client):
    mine, other = make_article(), make_article()
    version = first_revision(other)
    for url in (
        reverse("admin:articles_article_revision", args=[mine.pk, version.pk]),
        reverse("admin:articles_article_compare", args=[mine.pk]) + f"?a={version.pk}",
        reverse("admin:articles_article_compare", args=[mine.pk]) + "?a=abc",
    ):
        assert editor_client.get(url).status_code == 404, url


# History and compare


def test_history_shows_times_to_the_second_in_the_site_format_with_the_zone(editor_client, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = make_article()
    saved = timezone.localtime(first_revision(article).revision.date_created)
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).text
    assert f">{saved.day} {saved:%B %Y, %H:%M:%S} {saved:%Z}</a>" in page
    assert "CET" in page or "CEST" in page


def test_two_saves_within_a_minute_are_told_apart_wherever_editors_choose_between_them(editor_client):
    article = make_article(status=Article.Status.DRAFT, credit_line="AP")
    first = first_revision(article)
    edit(editor_client, article, headline="Second")
    second = Version.objects.get_for_object(article).first()
    seven_seconds_later = first.revision.date_created + timedelta(seconds=7)
    Revision.objects.filter(pk=second.revision_id).update(date_created=seven_seconds_later)
    moments = [editing_moment(first.revision.date_created), editing_moment(seven_seconds_later)]

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).text
    compared = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": first.pk, "b": second.pk}
    ).text

    for shown in moments:
        assert shown in history and shown in compared


def test_compare_any_two_revisions_paragraph_by_paragraph_with_authors_and_corrections(editor_client):
    article = make_article(
        status=Article.Status.DRAFT,
        body="<p>Brent fell sharply today.</p><p>Traders were calm.</p><p>Markets close at six.</p>",
        authors=[make_author(name="Ann Lee")],
    )
    bob = make_author(name="Bob Ray")
    now = timezone.localtime()
    edit(
        editor_client,
        article,
        body="<p>Brent rose sharply today.</p><p>Traders were calm.</p><p>Markets close at six.</p><p>New line.</p>",
        **{"bylines-1-author": bob.pk},
    )
    edit(
        editor_client,
        article,
        headline="Third",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "Fixed the price.",
            "corrections-0-published_at_0": now.date().isoformat(),
            "corrections-0-published_at_1": now.strftime("%H:%M:%S"),
        },
    )
    first, second, third = reversed(Version.objects.get_for_object(article))

    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = editor_client.get(url, {"a": first.pk, "b": second.pk}).text
    assert "Brent <del>fell</del> <ins>rose</ins> sharply today." in page
    assert "2 unchanged paragraphs" in page
    assert '<p class="added"><ins>New line.</ins></p>' in page
    assert '<li class="added"><ins>Bob Ray</ins></li>' in page
    assert "Fixed the price." not in page

    page = editor_client.get(url, {"a": second.pk, "b": third.pk}).text
    assert "Fixed the price." in page and "Brent" not in page


def test_compare_the_draft_with_the_published_version(editor_client):
    article = live_story()
    edit(editor_client, article, headline="Storm makes landfall")
    page = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": "current", "b": "draft"}
    )
    assert "Storm <del>nears the coast</del> <ins>makes landfall</ins>" in page.text


# Two people at once


def two_forms(login, article, role="Editor"):
    first, second = login(role), login(role)
    url = change_url(article)
    return (first, form_data(first.get(url))), (second, form_data(second.get(url)))


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.PUBLISHED])
def test_fields_only_one_side_changed_merge_without_a_question(login, status):
    article = live_story(status=status, dek="Old summary.")
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "dek": "Their summary."})

    response = second.post(change_url(article), {**second_form, "body": "<p>My body.</p>"})

    assert response.status_code == 302
    assert "saved this article at" in messages_of(response)[0]
    assert "their changes (summary) were kept along with yours" in messages_of(response)[0]
    content = ArticleDraft.objects.get(article=article).content if status == "published" else None
    if content is None:
        article.refresh_from_db()
        content = {"dek": article.dek, "body": article.body}
    assert (content["dek"], content["body"]) == ("Their summary.", "<p>My body.</p>")


def test_corrections_added_by_both_editors_are_both_kept(login):
    article = make_article(status=Article.Status.DRAFT, credit_line="AP")
    (first, first_form), (second, second_form) = two_forms(login, article)
    now = timezone.localtime()

    def correction(text):
        return {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": text,
            "corrections-0-published_at_0": now.date().isoformat(),
            "corrections-0-published_at_1": now.strftime("%H:%M:%S"),
        }

    first.post(change_url(article), {**first_form, **correction("Theirs.")})
    second.post(change_url(article), {**second_form, **correction("Mine.")})

    assert sorted(Correction.objects.filter(article=article).values_list("text", flat=True)) == ["Mine.", "Theirs."]


def test_fields_both_changed_are_shown_side_by_side_to_choose_and_nothing_is_saved(login):
    article = live_story(status=Article.Status.DRAFT, dek="Old summary.")
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "headline": "Their headline", "dek": "Their summary."})

    response = second.post(change_url(article), {**second_form, "headline": "My headline"})

    assert response.status_code == 200
    message = messages_of(response)[0]
    assert "saved this article at" in message and "you both changed headline" in message
    conflicts = response.context["conflicts"]
    assert [(c["name"], c["theirs"], c["mine"]) for c in conflicts] == [("headline", "Their headline", "My headline")]
    assert 'name="resolve_headline" value="theirs"' in response.text
    data = form_data(response)
    assert (data["headline"], data["dek"]) == ("My headline", "Their summary.")
    article.refresh_from_db()
    assert article.headline == "Their headline"

    second.post(change_url(article), {**data, "resolve_headline": "theirs"})
    article.refresh_from_db()
    assert (article.headline, article.dek) == ("Their headline", "Their summary.")


def test_choosing_my_version_after_a_conflict_keeps_it(login):
    article = live_story(status=Article.Status.DRAFT)
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "headline": "Their headline"})
    shown = second.post(change_url(article), {**second_form, "headline": "My headline"})

    response = second.post(change_url(article), {**form_data(shown), "resolve_headline": "mine"})

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "My headline"


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.PUBLISHED])
def test_publishing_with_a_change_merged_from_another_save_still_passes_the_gates(login, status):
    """The form passed the gates; the credit line the other editor removed meanwhile must not
    let the article go live with neither an author nor a credit line."""
    article = make_article(status=status, headline="Wire story", credit_line="AP")
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "credit_line": ""})

    response = second.post(
        change_url(article), {**second_form, "headline": "Wire story, updated", "_publish": "Publish"}
    )

    assert response.status_code == 200
    [message] = messages_of(response)
    assert "saved this article at" in message
    assert "with their changes it cannot be published: Add at least one author, or a credit line" in message
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Wire story", status)
    assert "merged and not saved yet" in response.text  # which the prompt before leaving asks about
    shown = form_data(response)
    assert (shown["headline"], shown["credit_line"]) == ("Wire story, updated", "")

    again = second.post(change_url(article), {**shown, "_publish": "Publish"})
    assert again.context["adminform"].form.errors["credit_line"] == [
        "Add at least one author, or a credit line for wire or partner copy."
    ]
    assert Article.objects.get(pk=article.pk).headline == "Wire story"


def test_choosing_their_version_after_a_conflict_still_passes_the_gates(login):
    article = make_article(status=Article.Status.DRAFT, headline="Wire story", credit_line="AP")
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "credit_line": ""})
    shown = second.post(change_url(article), {**second_form, "credit_line": "Reuters"})
    assert shown.context["conflicts"][0]["name"] == "credit_line"

    response = second.post(change_url(article), {**form_data(shown), "resolve_credit_line": "theirs", "_publish": "x"})

    assert response.status_code == 200
    assert "it cannot be published: Add at least one author" in messages_of(response)[-1]
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


# What a refused save keeps


def test_a_refused_save_keeps_the_uploaded_image_and_asks_only_for_what_is_missing(editor_client, media_root):
    article = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    data = form_data(editor_client.get(change_url(article)))

    refused = editor_client.post(change_url(article), {**data, "lead_image": image_upload("photo.jpg")})

    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert "Describe the lead image" in str(form.errors["lead_image_alt"])
    assert "The image you chose is kept" in refused.text
    kept = form_data(refused)["kept_lead_image"]
    assert kept

    response = editor_client.post(change_url(article), {**form_data(refused), "lead_image_alt": "A rig at sea"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead_image and article.lead_image_alt == "A rig at sea"
    assert (media_root / article.lead_image.name).is_file()


def test_a_forged_kept_image_name_is_ignored(editor_client, media_root):
    article = make_article(status=Article.Status.DRAFT, authors=[make_author()])
    data = form_data(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "kept_lead_image": "../../settings.py", "lead_image_alt": "x"})
    article.refresh_from_db()
    assert not article.lead_image


# Recover


def test_recover_brings_back_one_article_with_its_own_authors_and_nothing_else(editor_client):
    ann = make_author(name="Ann Lee")
    kept = make_article(headline="Kept", status=Article.Status.DRAFT, credit_line="AP")
    gone = make_article(headline="Gone", credit_line="AP", authors=[ann])
    with reversion.create_revision():  # one revision holding both articles, as old ones may
        gone.save()
        kept.save()
    gone_pk = gone.pk
    gone.delete()
    Article.objects.filter(pk=kept.pk).update(headline="Kept, edited later")
    version = Version.objects.get_deleted(Article).get(object_id=str(gone_pk))

    page = editor_client.get(reverse("admin:articles_article_recover", args=[version.pk]))
    assert "Recover this article" in page.text
    response = editor_client.post(reverse("admin:articles_article_recover", args=[version.pk]))

    assert response.status_code == 302
    recovered = Article.objects.get(pk=gone_pk)
    assert (recovered.headline, recovered.is_public()) == ("Gone", True)
    assert [b.author for b in recovered.bylines.all()] == [ann]
    assert Article.objects.get(pk=kept.pk).headline == "Kept, edited later"


def test_a_recovered_article_that_fails_the_publishing_gates_comes_back_as_a_draft(editor_client):
    gone = make_article(headline="Gone", body="")
    gone_pk = gone.pk
    gone.delete()
    version = Version.objects.get_deleted(Article).get(object_id=str(gone_pk))

    response = editor_client.post(reverse("admin:articles_article_recover", args=[version.pk]), follow=True)

    assert Article.objects.get(pk=gone_pk).status == Article.Status.DRAFT
    assert "cannot be published as it is" in messages_of(response)[0]


# List actions and revisions


def test_a_list_action_keeps_one_revision_per_article(editor_client):
    first, second = (make_article(status=Article.Status.DRAFT, credit_line="AP") for _ in range(2))
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [first.pk, second.pk]},
    )
    for article in (first, second):
        latest = Version.objects.get_for_object(article).first()
        assert latest.revision.version_set.filter(content_type__model="article").count() == 1
        assert latest.revision.get_comment() == "Published from the article list."


# The review queue


def test_editors_see_everything_awaiting_review_newest_first_with_counts(login, django_assert_max_num_queries):
    reporter = login("Reporter")
    new_story = make_article(status=Article.Status.DRAFT, headline="New story", authors=[make_author()])
    edit(reporter, new_story, _review="Send for review")
    live = live_story()
    edit(reporter, live, headline="Storm makes landfall", _review="Send for review")
    make_article(status=Article.Status.DRAFT, headline="Still a draft")

    editor = login("Editor")
    with django_assert_max_num_queries(12):
        page = editor.get(reverse("admin:index")).text

    assert "Awaiting review" in page
    assert "1 article and 1 change to live article, newest first." in page
    assert page.index("Storm nears the coast") < page.index("New story")
    assert "Still a draft" not in page


def test_reporters_see_their_drafts_and_what_was_sent_back(login):
    reporter, editor = login("Reporter"), login("Editor")
    mine = make_article(status=Article.Status.DRAFT, headline="My story", authors=[make_author()])
    edit(reporter, mine, _review="Send for review")
    other = make_article(status=Article.Status.DRAFT, headline="Someone else's story")
    draft_of_mine = make_article(status=Article.Status.DRAFT, headline="Half written")
    edit(reporter, draft_of_mine, dek="Started.")

    response = edit(editor, mine, _send_back="Send back to the reporter")
    assert messages_of(response) == ["Sent “My story” back to its reporter as a draft."]

    page = reporter.get(reverse("admin:index")).text
    sent_back = page[page.index("Sent back to you") : page.index("Your drafts")]
    assert "My story" in sent_back
    drafts = page[page.index("Your drafts") : page.index("Waiting for an editor")]
    assert "Half written" in drafts and "My story" not in drafts
    assert other.headline not in page
    assert "Awaiting review" not in page


def test_sending_to_review_says_what_comes_next(reporter_client):
    article = make_article(status=Article.Status.DRAFT, headline="Ready", authors=[make_author()])
    response = edit(reporter_client, article, _review="Send for review")
    assert messages_of(response) == ["Sent “Ready” to review: editors will see it in their queue."]
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW


def test_the_article_list_puts_articles_without_a_time_above_the_live_ones(editor_client):
    live = make_article(headline="Live since an hour")
    draft = make_article(status=Article.Status.DRAFT, headline="Fresh draft")
    listed = list(editor_client.get(reverse("admin:articles_article_changelist")).context["cl"].result_list)
    assert listed.index(draft) < listed.index(live)


@pytest.mark.parametrize(
    "base",
    ['["not", "a", "dict"]', '{"corrections": [{"kind": "x"}], "bylines": "none"}', "{}"],
    ids=["list", "bad-rows", "empty"],
)
def test_a_damaged_record_of_what_the_form_was_loaded_with_only_makes_the_merge_ask(login, base):
    article = live_story(status=Article.Status.DRAFT)
    (first, first_form), (second, second_form) = two_forms(login, article)
    first.post(change_url(article), {**first_form, "headline": "Their headline"})

    response = second.post(change_url(article), {**second_form, "base_content": base, "headline": "My headline"})

    assert response.status_code == 200
    assert "headline" in [conflict["name"] for conflict in response.context["conflicts"]]
    assert Article.objects.get(pk=article.pk).headline == "Their headline"


def test_history_lists_the_draft_of_changes_with_who_saved_it_and_when(login):
    article = live_story()
    reporter = login("Reporter")
    edit(reporter, article, headline="Storm makes landfall", _review="Send for review")
    draft = ArticleDraft.objects.get(article=article)

    page = login("Editor").get(reverse("admin:articles_article_history", args=[article.pk])).text

    assert f"Draft of changes (not published), saved {editing_moment(draft.saved_at)}" in page
    assert f"<td>{draft.saved_by.get_username()}</td><td>In review</td>" in page


def editing_moment(at):
    return timezone.localtime(at).strftime("%-d %B %Y, %H:%M:%S %Z")


# Query counts


def edited_story(client, *, revisions, authors):
    """A live story with ``authors``, published ``revisions`` times over, and a draft of changes."""
    article = make_article(authors=[make_author() for _ in range(authors)], credit_line="AP")
    for number in range(revisions):
        edit(client, article, headline=f"Headline {number}", _publish="Publish changes")
    edit(client, article, headline="Headline in the draft")
    return article, list(Version.objects.get_for_object(article))


@pytest.mark.parametrize(
    ("page", "queries"),
    [("history", 12), ("compare", 11), ("compare with the draft", 9), ("revision", 16), ("preview", 11)],
)
@pytest.mark.parametrize("size", [1, 5])
def test_editing_pages_queries_do_not_grow_with_revisions_or_authors(
    editor_client, django_assert_num_queries, page, queries, size
):
    article, versions = edited_story(editor_client, revisions=size, authors=size)
    url = {
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "compare": reverse("admin:articles_article_compare", args=[article.pk])
        + f"?a={versions[-1].pk}&b={versions[0].pk}",
        "compare with the draft": reverse("admin:articles_article_compare", args=[article.pk]) + "?a=current&b=draft",
        "revision": reverse("admin:articles_article_revision", args=[article.pk, versions[-1].pk]),
        "preview": reverse("admin:articles_article_preview", args=[article.pk]),
    }[page]
    editor_client.get(url)  # the session and permissions as a second visit finds them

    with django_assert_num_queries(queries):
        assert editor_client.get(url).status_code == 200
