"""The first revisions the importer writes as rows hold what django-reversion itself would
have written for the same objects, byte for byte."""

from datetime import timedelta

import pytest
from django.core import serializers
from django.utils import timezone
from reversion.models import Version
from reversion.revisions import _get_options as reversion_options

from articles.models import Article, ArticleAuthor
from articles.services import serialized_for_revision

from .factories import make_article, make_author, make_section
from .test_import_seeds import page, run, write

pytestmark = pytest.mark.django_db


def reversion_serialized(obj):
    """What reversion writes for ``obj`` (reversion.revisions._add_to_revision)."""
    options = reversion_options(type(obj))
    return serializers.serialize(
        options.format, (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
    )


def test_imported_first_revisions_are_what_reversion_writes(tmp_path):
    write(tmp_path, "1.txt", page("Café prices “soar” – €4 a cup", "Ünïcode & <b>markup</b>.", byline="Zoë Ström"))
    write(tmp_path, "2.txt", page("A story with an author", "Two.", author="Ann Writer", bio="Writes about rail"))
    write(tmp_path, "3.txt", page("Held for review", "No author, no credit line."))
    run(tmp_path)

    versions = list(Version.objects.select_related("content_type"))
    assert {version.content_type.model for version in versions} == {"article", "articleauthor"}
    assert len(versions) == Article.objects.count() + ArticleAuthor.objects.count() == 5
    for version in versions:
        obj = version.object
        assert (version.format, version.object_repr) == ("json", str(obj))
        assert version.serialized_data == reversion_serialized(obj)


def test_serialized_for_revision_matches_django_for_every_kind_of_value():
    section = make_section()
    previous = make_article(headline="Before")
    now = timezone.now().replace(microsecond=123456)
    articles = [
        make_article(
            headline="Every field “filled” — ß",
            dek="A dek",
            body="<p>Body with \u2028 a line separator and \U0001f600.</p>",
            credit_line="AP",
            section=section,
            previous_article=previous,
            previous_headline="Before",
            published_at=now,
            expires_at=now + timedelta(days=1),
        ),
        make_article(status=Article.Status.DRAFT, headline="Nothing optional"),
    ]
    bylines = [
        ArticleAuthor.objects.create(article=article, author=make_author(name=f"Writer {n}"), order=n)
        for n, article in enumerate(articles)
    ]

    for model, objects in ((Article, articles), (ArticleAuthor, bylines)):
        assert serialized_for_revision(model, objects) == [reversion_serialized(obj) for obj in objects]
