"""Small helpers that make test rows with sensible defaults; override what a test cares about."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction, Section
from authors.models import Author

_sequence = itertools.count(1)


def make_author(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Author {number}")
    return Author.objects.create(**fields)


def make_section(**fields):
    number = next(_sequence)
    fields.setdefault("name", f"Section {number}")
    fields.setdefault("slug", f"section-{number}")
    return Section.objects.create(**fields)


def make_article(*, authors=(), **fields):
    """A published, live article unless ``status`` or times say otherwise."""
    number = next(_sequence)
    fields.setdefault("headline", f"Headline number {number}")
    fields.setdefault("body", f"<p>Body of article {number}.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**fields)
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, order=order)
    return article


HIDDEN_STATES = ["draft", "in review", "scheduled", "expired"]


def make_hidden_article(state, **fields):
    """An article the public must not see: a draft, one in review, one scheduled for the
    future, or one that has expired."""
    now = timezone.now()
    states = {
        "draft": {"status": Article.Status.DRAFT},
        "in review": {"status": Article.Status.REVIEW},
        "scheduled": {"published_at": now + timedelta(hours=1)},
        "expired": {"published_at": now - timedelta(hours=2), "expires_at": now - timedelta(hours=1)},
    }
    return make_article(**states[state], **fields)


def make_correction(article, **fields):
    fields.setdefault("text", "An earlier version misspelled a name.")
    return Correction.objects.create(article=article, **fields)


def make_user(role=None, **fields):
    """A user in the named group ("Reporter", "Editor", "Site administrator"); staff unless told."""
    number = next(_sequence)
    fields.setdefault("username", f"user{number}")
    fields.setdefault("is_staff", role is not None)
    password = fields.pop("password", "a-long-test-password")
    user = get_user_model().objects.create_user(password=password, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
