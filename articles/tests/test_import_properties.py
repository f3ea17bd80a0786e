"""Properties: an import that fails part-way leaves the database exactly as it was, and any
page text is either refused with a reason, leaving nothing, or imported whole, published only
when nothing holds it back."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Revision, Version

from articles.models import Article, ArticleAuthor, SourceFile
from articles.seed_parser import SeedAuthor, SeedPage, SeedParseError
from articles.services import SeedFile, SeedImporter
from authors.models import Author
from breaking.models import TickerItem
from newsroom.settings.base import BASE_DIR

from .test_seed_parser_properties import parse_or_refusal, real_page_texts

WATCHED = [Article, Author, ArticleAuthor, TickerItem, SourceFile, Revision, Version]

words = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
phrases = st.lists(words, min_size=1, max_size=8).map(" ".join)
# Names already in the database, so a failing page also tries to touch existing rows.
names = st.sampled_from(["RFE/RL staff", "Empty Bio", "Zoë Brontë"]) | phrases
too_long = st.integers(min_value=1, max_value=40)


@st.composite
def failing_pages(draw):
    """A page that parses but that the importer must refuse at one of its write steps."""
    where = draw(st.sampled_from(["headline", "author", "ticker"]))
    overflow = "x" * 300 + draw(phrases)
    return SeedPage(
        headline=overflow if where == "headline" else draw(phrases),
        body=tuple(draw(st.lists(phrases, min_size=1, max_size=4))),
        ticker=(draw(phrases), overflow) if where == "ticker" else tuple(draw(st.lists(phrases, max_size=2))),
        byline=draw(st.none() | phrases),
        publisher=draw(st.none() | phrases),
        previous=draw(st.none() | st.just("U.S. Intelligence Claims Russia Is Buying Weapons From North Korea")),
        next=draw(st.none() | phrases),
        author=SeedAuthor(name=overflow if where == "author" else draw(names), bio=draw(phrases)),
    )


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.fixture
def populated():
    """A database that already holds the real seed and an author with an empty bio."""
    call_command("import_seeds", str(BASE_DIR / "seeds"), verbosity=0)
    Author.objects.create(name="Empty Bio")


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=failing_pages())
def test_failing_import_leaves_the_database_exactly_as_it_was(populated, page):
    before = snapshot()
    with pytest.raises(ValidationError):
        SeedImporter().import_files([SeedFile(name="generated.txt", sha256="0" * 64, page=page)])
    assert snapshot() == before


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=real_page_texts())
def test_any_page_is_refused_with_a_reason_leaving_nothing_or_imported_whole(populated, text):
    before = snapshot()
    page = parse_or_refusal(text)
    if isinstance(page, SeedParseError):
        assert page.message
        assert snapshot() == before
        return
    outcome = import_or_refusal(page)
    if isinstance(outcome, ValidationError):
        assert outcome.messages
        assert snapshot() == before
        return
    article = outcome.article
    assert SourceFile.objects.get(name="fuzzed.txt").article == article
    if outcome.result == "created":
        assert Version.objects.get_for_object(article).count() == 1
        published = Article.objects.published().filter(pk=article.pk).exists()
        assert published == (not outcome.held_for_review)
        if page.doubts:
            assert not published


def import_or_refusal(page):
    """The ImportOutcome of importing ``page``, or the ValidationError refusing it."""
    try:
        (outcome,) = SeedImporter().import_files([SeedFile(name="fuzzed.txt", sha256="1" * 64, page=page)])
    except ValidationError as refusal:
        return refusal
    return outcome
