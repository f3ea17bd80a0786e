from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from reversion.models import Version

from articles.models import Article, ArticleAuthor, ArticleConflict, Correction
from newsroom.tests.uploads import ACCEPTED_IMAGES, REJECTED_IMAGES, image_upload

from .factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
JUST_BEFORE = NOON - timedelta(microseconds=1)


def travel(instant):
    return time_machine.travel(instant, tick=False)


def is_published(article):
    return Article.objects.published().filter(pk=article.pk).exists()


# Scheduling and expiry


def test_scheduled_article_appears_at_its_publication_time():
    with travel(NOON - timedelta(days=1)):
        article = make_article(published_at=NOON)
    with travel(JUST_BEFORE):
        assert not is_published(article)
        assert Article.objects.scheduled().filter(pk=article.pk).exists()
        assert article.state == "Scheduled"
    with travel(NOON):
        assert is_published(article)
        assert not Article.objects.scheduled().filter(pk=article.pk).exists()
        assert article.state == "Live"


def test_article_disappears_at_its_expiry_time():
    article = make_article(published_at=NOON - timedelta(days=1), expires_at=NOON)
    with travel(JUST_BEFORE):
        assert is_published(article)
        assert article.state == "Live"
    with travel(NOON):
        assert not is_published(article)
        assert article.state == "Expired"


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_unpublished_articles_are_never_public_whatever_their_time(status):
    article = make_article(status=status, published_at=NOON - timedelta(days=1))
    with travel(NOON):
        assert not is_published(article)
        assert not article.is_public()


@pytest.mark.parametrize(
    ("published_at", "expires_at"),
    [
        (NOON - timedelta(hours=1), None),
        (NOON, None),
        (NOON + timedelta(microseconds=1), None),
        (NOON - timedelta(hours=1), NOON),
        (NOON - timedelta(hours=1), NOON + timedelta(microseconds=1)),
    ],
)
def test_is_public_follows_the_published_queryset(published_at, expires_at):
    article = make_article(published_at=published_at, expires_at=expires_at)
    with travel(NOON):
        assert article.is_public() == is_published(article)
        assert Article.objects.published(at=NOON).filter(pk=article.pk).exists() == article.is_public(NOON)


# Drafts, slugs and the database's own rules


def test_a_draft_needs_nothing_but_a_headline():
    Article(headline="Only a headline").save()
    Article(headline="A headline and a body", body="<p>Some text.</p>").save()

    article = Article.objects.get(headline="Only a headline")
    assert article.status == Article.Status.DRAFT
    assert article.slug == "only-a-headline"
    assert article.published_at is None
    assert article.body == ""
    assert not is_published(article)


def test_slug_comes_from_the_headline_with_a_number_added_on_collision():
    slugs = [Article.objects.create(headline="Oil prices fall again").slug for _ in range(3)]
    assert slugs == ["oil-prices-fall-again", "oil-prices-fall-again-2", "oil-prices-fall-again-3"]


def test_slug_of_a_very_long_headline_leaves_room_for_the_number():
    headline = "word " * 50
    first = Article.objects.create(headline=headline)
    second = Article.objects.create(headline=headline)
    assert second.slug == f"{first.slug}-2"
    assert len(second.slug) <= Article._meta.get_field("slug").max_length


def test_saving_an_article_as_published_without_a_time_publishes_it_now():
    with travel(NOON):
        article = Article.objects.create(headline="Now", status=Article.Status.PUBLISHED)
    assert article.published_at == NOON


@pytest.mark.parametrize(
    "change",
    [
        {"status": Article.Status.PUBLISHED, "published_at": None},
        {"expires_at": NOON - timedelta(days=2)},
        {"lead_image": "articles/photo.jpg", "lead_image_alt": ""},
    ],
    ids=["published-without-time", "expiry-before-publication", "image-without-alt-text"],
)
def test_database_refuses_rows_that_break_the_rules(change):
    article = make_article(published_at=NOON - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(**change)


def test_full_clean_refuses_an_expiry_before_publication():
    article = Article(headline="Backwards", published_at=NOON, expires_at=NOON)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "expires_at" in error.value.message_dict


# Publishing gates

PUBLISHABLE = {"headline": "A fine headline", "body": "<p>Text.</p>", "credit_line": ""}


@pytest.mark.parametrize(
    ("fields", "has_authors", "problem"),
    [
        ({"body": ""}, True, ("body", "The body is empty")),
        ({"body": "<p> </p>"}, True, ("body", "The body is empty")),
        ({}, False, ("credit_line", "Add at least one author, or a credit line")),
        ({"lead_image": "articles/a.jpg", "lead_image_alt": " "}, True, ("lead_image_alt", "Describe the lead image")),
        ({"headline": "x" * 111}, True, ("headline", "The headline is 111 characters")),
    ],
    ids=["empty-body", "blank-body", "no-byline", "no-alt-text", "long-headline"],
)
def test_publication_problems_name_each_failing_gate(fields, has_authors, problem):
    article = Article(**{**PUBLISHABLE, **fields})
    problems = article.publication_problems(has_authors=has_authors)
    field, message = problem
    assert list(problems) == [field]
    assert problems[field].startswith(message)


@pytest.mark.parametrize(
    ("fields", "has_authors"),
    [({}, True), ({"credit_line": "Reuters"}, False), ({"headline": "x" * 110}, True)],
    ids=["with-author", "with-credit-line", "headline-of-110"],
)
def test_an_article_passing_every_gate_has_no_problems(fields, has_authors):
    article = Article(**{**PUBLISHABLE, **fields})
    assert article.publication_problems(has_authors=has_authors) == {}


# Versions, conflicts and revisions


def test_every_save_counts_a_new_version():
    article = Article.objects.create(headline="Counting")
    assert article.version == 1
    article.save()
    article.save()
    article.refresh_from_db()
    assert article.version == 3


def test_saving_a_stale_copy_is_refused_and_the_other_change_kept():
    article = make_article(headline="Original")
    mine, theirs = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    theirs.headline = "Their headline"
    theirs.save()

    mine.headline = "My headline"
    with pytest.raises(ArticleConflict, match="now version 2, you edited version 1") as conflict:
        mine.save()

    assert conflict.value.current_version == 2
    article.refresh_from_db()
    assert article.headline == "Their headline"
    assert article.version == 2


def test_saving_chosen_fields_still_counts_the_version():
    article = make_article()
    article.headline = "Only the headline"
    article.save(update_fields=["headline"])
    article.refresh_from_db()
    assert article.version == 2

    article.dek = "And the next save works"
    article.save()
    assert Article.objects.get(pk=article.pk).version == 3


def test_every_save_keeps_a_revision_with_its_bylines():
    author = make_author(name="Ann Reporter")
    article = make_article(authors=[author])
    article.headline = "Second headline"
    article.save()

    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert versions[0].field_dict["headline"] == "Second headline"
    assert "version" not in versions[0].field_dict
    # The byline added after the first save is in the latest revision.
    byline_versions = versions[0].revision.version_set.filter(content_type__model="articleauthor")
    assert byline_versions.count() == 1


# Bylines, corrections and links


def test_bylines_keep_their_order_and_roles():
    writer, photographer = make_author(name="Zed Writer"), make_author(name="Abe Photographer")
    article = make_article()
    ArticleAuthor.objects.create(article=article, author=photographer, role="photos", order=2)
    ArticleAuthor.objects.create(article=article, author=writer, order=1)

    assert [str(byline) for byline in article.bylines.all()] == [
        "Zed Writer (Writer)",
        "Abe Photographer (Photos)",
    ]
    assert list(article.authors.order_by("bylines__order")) == [writer, photographer]


def test_an_author_is_in_a_byline_only_once():
    author = make_author()
    article = make_article(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleAuthor.objects.create(article=article, author=author, order=1)


def test_corrections_are_listed_in_time_order():
    article = make_article()
    later = make_correction(article, kind=Correction.Kind.UPDATE, published_at=NOON)
    earlier = make_correction(article, published_at=NOON - timedelta(days=1))
    assert list(article.corrections.all()) == [earlier, later]
    assert str(later) == f"Update to “{article.headline}”"


def test_articles_and_sections_have_public_addresses():
    section = make_section(slug="energy")
    article = make_article(slug="oil-rises", section=section)
    assert article.get_absolute_url() == "/articles/oil-rises/"
    assert section.get_absolute_url() == "/sections/energy/"


# Lead image


@pytest.mark.parametrize("name", ACCEPTED_IMAGES)
def test_lead_image_accepts_a_real_small_image(name):
    article = Article(headline="With a photo", lead_image=image_upload(name), lead_image_alt="A red square")
    article.full_clean()


@pytest.mark.parametrize(("name", "code"), REJECTED_IMAGES)
def test_lead_image_rejects_files_that_are_not_safe_images(name, code):
    article = Article(headline="With a photo", lead_image=image_upload(name), lead_image_alt="Alt")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert [e.code for e in error.value.error_dict["lead_image"]] == [code]


def test_lead_image_rejects_a_file_over_the_upload_limit(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 64
    article = Article(headline="Too big", lead_image=image_upload("photo.jpg"), lead_image_alt="Alt")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert [e.code for e in error.value.error_dict["lead_image"]] == ["image_too_large"]


def test_lead_image_needs_alt_text():
    article = Article(headline="No alt", lead_image=image_upload("photo.png"), lead_image_alt=" ")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["lead_image_alt"] == ["Describe the lead image for readers who cannot see it."]
