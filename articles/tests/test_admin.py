import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction
from newsroom.tests.uploads import REJECTED_IMAGES, image_upload

from .admin_forms import change_url, edit, form_data, messages_of, row_containing
from .factories import make_article, make_author, make_correction, make_section, make_user

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
CHANGELIST = reverse("admin:articles_article_changelist")


def run_action(client, action, *articles):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [article.pk for article in articles]}, follow=True
    )


def form_errors(response):
    return " ".join(str(error) for error in response.context["errors"])


# The article list


def test_article_list_shows_state_section_authors_and_time(login):
    section = make_section(name="Energy")
    with time_machine.travel(NOON, tick=False):
        editor_client = login("Editor")
        make_article(headline="Live story", section=section, authors=[make_author(name="Ann Lee")])
        make_article(headline="Wire story", credit_line="Reuters")
        make_article(headline="Later story", published_at=NOON + timedelta(days=1))
        make_article(headline="Old story", published_at=NOON - timedelta(days=2), expires_at=NOON - timedelta(days=1))
        make_article(headline="Draft story", status=Article.Status.DRAFT)
        response = editor_client.get(CHANGELIST)

    live = row_containing(response, "Live story")
    assert "state-live" in live and "Energy" in live and "Ann Lee" in live and "15 January 2030, 11:00 UTC" in live
    assert "Reuters" in row_containing(response, "Wire story")
    assert "Scheduled for 16 January 2030, 12:00 UTC" in row_containing(response, "Later story")
    assert "state-expired" in row_containing(response, "Old story")
    assert "state-draft" in row_containing(response, "Draft story")


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("state=live", {"Live story"}),
        ("state=scheduled", {"Later story"}),
        ("state=expired", {"Old story"}),
        ("status=draft", {"Draft story"}),
        ("q=later", {"Later story"}),
        ("published_at__year=2029", set()),
    ],
)
def test_article_list_filters_searches_and_drills_down_by_date(editor_client, query, shown):
    make_article(headline="Live story")
    make_article(headline="Later story", published_at=timezone.now() + timedelta(days=1))
    make_article(
        headline="Old story",
        published_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    make_article(headline="Draft story", status=Article.Status.DRAFT)

    response = editor_client.get(f"{CHANGELIST}?{query}")

    assert response.status_code == 200
    assert {article.headline for article in response.context["cl"].result_list} == shown


def test_article_list_filters_by_section_and_author(editor_client):
    section, author = make_section(), make_author()
    make_article(headline="In section", section=section)
    make_article(headline="By author", authors=[author])
    make_article(headline="Neither")

    by_section = editor_client.get(f"{CHANGELIST}?section__id__exact={section.pk}")
    by_author = editor_client.get(f"{CHANGELIST}?authors__id__exact={author.pk}")

    assert [a.headline for a in by_section.context["cl"].result_list] == ["In section"]
    assert [a.headline for a in by_author.context["cl"].result_list] == ["By author"]


def test_add_form_prepopulates_the_slug_and_finds_authors_by_name(editor_client):
    make_author(name="Irina Slav")
    make_author(name="Ann Lee")

    response = editor_client.get(reverse("admin:articles_article_add"))
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "iri"},
    )

    assert [field["field"].name for field in response.context["prepopulated_fields"]] == ["slug"]
    assert [result["text"] for result in found.json()["results"]] == ["Irina Slav"]


# Saving through the change form


def test_change_form_saves_bylines_in_order_and_records_who_edited(editor_client):
    first, second = make_author(name="First"), make_author(name="Second")
    article = make_article(status=Article.Status.DRAFT)
    response = edit(
        editor_client,
        article,
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": second.pk,
            "bylines-0-role": "photos",
            "bylines-0-order": "2",
            "bylines-1-author": first.pk,
            "bylines-1-role": "writer",
            "bylines-1-order": "1",
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert [str(byline) for byline in article.bylines.all()] == ["First (Writer)", "Second (Photos)"]
    assert article.updated_by == response.wsgi_request.user
    assert article.version == 2


def test_add_form_records_who_created_the_article(editor_client):
    data = form_data(editor_client.get(reverse("admin:articles_article_add")))
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {**data, "headline": "From the add form", "slug": "from-the-add-form"},
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="from-the-add-form")
    assert article.created_by == article.updated_by == response.wsgi_request.user
    assert article.status == Article.Status.DRAFT


def test_corrections_are_added_inline_and_listed_in_order(editor_client, client):
    article = make_article(slug="corrected", credit_line="Reuters")
    make_correction(article, text="First correction.", published_at=timezone.now() - timedelta(hours=2))
    response = edit(
        editor_client,
        article,
        _publish="Publish changes",
        **{
            "corrections-TOTAL_FORMS": "2",
            "corrections-1-kind": "update",
            "corrections-1-text": "Second, an update.",
            "corrections-1-published_at_0": timezone.localdate().isoformat(),
            "corrections-1-published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    assert [c.text for c in Correction.objects.filter(article=article)] == [
        "First correction.",
        "Second, an update.",
    ]
    page = client.get("/articles/corrected/").content.decode()
    assert page.index("First correction.") < page.index("Second, an update.")


# Publishing gates


def publishable_draft(**fields):
    fields.setdefault("authors", [make_author()])
    return make_article(status=Article.Status.DRAFT, **fields)


def publish_through_form(client, article, **changes):
    now = timezone.localtime()
    return edit(
        client,
        article,
        status="published",
        published_at_0=now.date().isoformat(),
        published_at_1=now.strftime("%H:%M:%S"),
        **changes,
    )


def test_editor_publishes_through_the_change_form(editor_client):
    article = publishable_draft()
    response = publish_through_form(editor_client, article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_public()


@pytest.mark.parametrize(
    ("draft", "changes", "field", "message"),
    [
        ({"body": ""}, {"body": ""}, "body", "The body is empty"),
        ({"authors": []}, {}, "credit_line", "Add at least one author, or a credit line"),
        ({}, {"headline": "x" * 111}, "headline", "The headline is 111 characters"),
    ],
    ids=["empty-body", "no-author-or-credit", "long-headline"],
)
@pytest.mark.parametrize("button", [{}, {"_publish": "Publish"}], ids=["status", "publish-button"])
def test_publishing_through_the_form_names_the_failing_gate_beside_its_field(
    editor_client, draft, changes, field, message, button
):
    article = publishable_draft(**draft)
    response = publish_through_form(editor_client, article, **changes, **button)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert message in " ".join(form.errors[field])
    assert not form.non_field_errors()
    assert "Constraint" not in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publishing_with_a_credit_line_instead_of_an_author_passes(editor_client):
    article = publishable_draft(authors=[])
    response = publish_through_form(editor_client, article, credit_line="Reuters")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_publishing_lists_every_failing_gate_at_once(editor_client):
    article = publishable_draft(authors=[], body="")
    response = publish_through_form(editor_client, article, body="", headline="y" * 120)
    errors = response.context["adminform"].form.errors
    assert "The body is empty" in errors["body"][0]
    assert "Add at least one author" in errors["credit_line"][0]
    assert "The headline is 120 characters" in errors["headline"][0]


def test_lead_image_without_alt_text_is_refused(editor_client, media_root):
    article = publishable_draft()
    data = form_data(editor_client.get(change_url(article)))
    response = editor_client.post(
        change_url(article), {**data, "lead_image": image_upload("photo.jpg"), "lead_image_alt": ""}
    )
    assert response.status_code == 200
    assert "Describe the lead image for readers who cannot see it." in form_errors(response)
    assert not Article.objects.get(pk=article.pk).lead_image


def test_lead_image_is_stored_under_a_name_of_ours_with_its_real_format(editor_client, media_root):
    article = publishable_draft()
    upload = image_upload("photo.jpg", named="shell.php.png")
    response = edit(editor_client, article, lead_image=upload, lead_image_alt="A square")
    assert response.status_code == 302
    article.refresh_from_db()
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.lead_image.name)
    assert (media_root / article.lead_image.name).read_bytes() == image_upload("photo.jpg").read()
    assert not any("shell" in path.name for path in media_root.rglob("*"))


@pytest.mark.parametrize(("name", "code"), REJECTED_IMAGES)
def test_lead_image_upload_refuses_files_that_are_not_safe_images(editor_client, media_root, name, code):
    article = publishable_draft()
    response = edit(editor_client, article, lead_image=image_upload(name), lead_image_alt="Alt")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead_image"]
    assert not Article.objects.get(pk=article.pk).lead_image
    assert not media_root.exists() or not any(media_root.rglob("*.png"))


def test_lead_image_upload_refuses_a_file_over_the_limit(editor_client, media_root, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 64
    article = publishable_draft()
    response = edit(editor_client, article, lead_image=image_upload("photo.jpg"), lead_image_alt="Alt")
    assert response.status_code == 200
    assert "the largest accepted is 64" in str(response.context["adminform"].form.errors["lead_image"])


# List actions


def test_publish_now_publishes_what_passes_and_names_what_does_not(editor_client):
    ready = publishable_draft(headline="Ready")
    empty = publishable_draft(headline="Empty", body="")
    scheduled = make_article(headline="Scheduled", published_at=timezone.now() + timedelta(days=1), credit_line="AP")
    expired = make_article(
        headline="Expired",
        published_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
        credit_line="AP",
    )

    response = run_action(editor_client, "publish_now", ready, empty, scheduled, expired)

    public = set(Article.objects.published().values_list("headline", flat=True))
    assert public == {"Ready", "Scheduled", "Expired"}
    assert Article.objects.get(pk=empty.pk).status == Article.Status.DRAFT
    assert "Published 3 article(s): readers see them now." in messages_of(response)
    assert "Not published: “Empty”: The body is empty: write the story before publishing it." in messages_of(response)


def test_unpublish_and_send_to_review_change_the_status(editor_client):
    live, draft = make_article(), make_article(status=Article.Status.DRAFT)
    run_action(editor_client, "unpublish", live)
    response = run_action(editor_client, "send_to_review", draft)

    assert Article.objects.get(pk=live.pk).status == Article.Status.DRAFT
    assert Article.objects.get(pk=draft.pk).status == Article.Status.REVIEW
    assert "Sent to review: 1 article(s). Editors will see them in their queue." in messages_of(response)


def test_actions_keep_a_revision_and_count_a_version(editor_client):
    article = publishable_draft()
    run_action(editor_client, "publish_now", article)
    article.refresh_from_db()
    assert article.version == 2
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.user == article.updated_by


# Preview


def test_preview_shows_a_draft_as_readers_would_see_it(editor_client, client):
    author = make_author(name="Ann Lee")
    article = make_article(status=Article.Status.DRAFT, headline="Not out yet", authors=[author])
    make_correction(article, text="A correction already.")

    response = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk]))

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    for text in ["Not out yet", "Ann Lee", article.body, "A correction already.", "Preview: Draft"]:
        assert text in page
    assert client.get(article.get_absolute_url()).status_code == 404


def test_preview_links_the_imported_stories_readers_can_see_and_not_the_others(editor_client):
    part_one = make_article(headline="Part one", published_at=timezone.now() - timedelta(days=2))
    part_three = make_article(headline="Part three unpublished", status=Article.Status.DRAFT)
    article = make_article(
        status=Article.Status.DRAFT, headline="Part two", previous_article=part_one, next_article=part_three
    )

    page = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk])).content.decode()

    assert f'href="{part_one.get_absolute_url()}"' in page and "Part one" in page
    assert "Part three unpublished" not in page


def test_preview_is_never_cached(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    response = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    cache_control = response["Cache-Control"]
    for directive in ["no-cache", "no-store", "private", "max-age=0"]:
        assert directive in cache_control


@pytest.mark.parametrize("role", [None, "non-staff"])
def test_preview_sends_visitors_and_non_staff_to_the_login_page(login, role):
    client = login(None)
    if role == "non-staff":
        client.force_login(make_user(is_staff=False))
    article = make_article(status=Article.Status.DRAFT, headline="Secret draft")

    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_preview_is_forbidden_to_staff_without_permission_on_articles(login):
    article = make_article(status=Article.Status.DRAFT, headline="Secret draft")
    response = login("staff").get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 403
    assert "Secret draft" not in response.content.decode()


# Changelists ask the database the same number of questions however many rows they show


def article_rows(count):
    sections = [make_section(), make_section()]
    authors = [make_author(), make_author(), make_author()]
    for number in range(count):
        make_article(section=sections[number % 2], authors=authors[: number % 3 + 1])


@pytest.mark.parametrize(
    ("url_name", "make_rows", "queries"),
    [
        ("admin:articles_article_changelist", article_rows, 10),
    ],
    ids=["articles"],
)
@pytest.mark.parametrize("rows", [1, 20])
def test_changelist_queries_do_not_grow_with_rows(login, django_assert_num_queries, url_name, make_rows, queries, rows):
    client = login("superuser")
    make_rows(rows)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_changing_the_slug_of_a_published_article_keeps_the_old_address(editor_client, client):
    article = publishable_draft(slug="first-address")
    publish_through_form(editor_client, article)
    edit(editor_client, article, slug="second-address", _publish="Publish changes")

    response = client.get("/articles/first-address/")

    assert (response.status_code, response["Location"]) == (301, "/articles/second-address/")
