from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from articles.tests.factories import make_article, make_author, make_section
from newsroom.pagination import BoundedPaginator
from newsroom.prepared import PreparedList, prepared, set_prefetched

pytestmark = pytest.mark.django_db


@prepared
def public_in_section(section: int, at: datetime):
    bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
    articles = Article.objects.published(at).filter(section=section).select_related("section")
    return articles.prefetch_related(bylines).only("headline", "section__name").order_by("headline")


@prepared
def by_slug(slug: str):
    return Article.objects.filter(slug=slug)


@prepared
def headlines_of(articles: list[int]):
    return Article.objects.filter(pk__in=articles).order_by("pk").values_list("headline", flat=True)


def test_prepared_query_gives_what_the_queryset_gives_for_each_call(django_assert_num_queries):
    energy, sport = make_section(name="Energy"), make_section(name="Sport")
    ann = make_author(name="Ann")
    make_article(headline="B first", section=energy, authors=[ann])
    make_article(headline="A second", section=energy)
    make_article(headline="Sport story", section=sport)
    now = timezone.now()

    with django_assert_num_queries(2):  # the articles, then their bylines
        articles = public_in_section(section=energy.pk, at=now)
    assert [article.headline for article in articles] == ["A second", "B first"]
    with django_assert_num_queries(0):
        assert articles[0].section.name == "Energy"
        assert [byline.author.name for byline in articles[1].bylines.all()] == ["Ann"]
    assert [article.headline for article in public_in_section(section=sport.pk, at=now)] == ["Sport story"]
    # The time is an argument like any other: nothing was public two hours ago.
    assert public_in_section(section=energy.pk, at=now - timedelta(hours=2)) == []


def test_string_and_list_arguments_take_each_call_values():
    one, two, three = (make_article(headline=headline) for headline in ("One", "Two", "Three"))
    assert [article.pk for article in by_slug(slug=two.slug)] == [two.pk]
    assert by_slug(slug="no-such-article") == []
    assert headlines_of(articles=[three.pk, one.pk]) == ["One", "Three"]
    assert headlines_of(articles=[two.pk]) == ["Two"]  # a list of another length: a statement of its own
    assert headlines_of(articles=[]) == []


def test_a_time_taken_inside_the_function_is_refused():
    @prepared
    def published(section: int):
        return Article.objects.published().filter(section=section)

    with pytest.raises(ImproperlyConfigured, match="changes from call to call"):
        published(section=1)


def test_an_argument_changed_on_its_way_to_the_sql_is_refused():
    @prepared
    def containing(words: str):
        return Article.objects.filter(headline__contains=words)

    with pytest.raises(ImproperlyConfigured, match="not an argument as it was given"):
        containing(words="oil")


def test_an_argument_that_does_not_reach_the_sql_is_refused():
    @prepared
    def everything(slug: str):
        return Article.objects.all()

    with pytest.raises(ImproperlyConfigured, match="slug did not reach the SQL"):
        everything(slug="oil")


def test_an_argument_of_a_type_without_markers_is_refused():
    with pytest.raises(ImproperlyConfigured, match="needs a type"):

        @prepared
        def untyped(slug):
            return Article.objects.filter(slug=slug)


def test_set_prefetched_answers_the_related_manager_without_a_query(django_assert_num_queries):
    article = make_article(authors=[make_author(name="Bo")])
    bylines = list(ArticleAuthor.objects.filter(article=article).select_related("author"))
    article = Article.objects.get(pk=article.pk)
    set_prefetched(article, bylines=bylines, corrections=[])
    with django_assert_num_queries(0):
        assert [byline.author.name for byline in article.bylines.all()] == ["Bo"]
        assert list(article.corrections.all()) == []


@prepared
def in_section_by_headline(section: int, at: datetime):
    return Article.objects.published(at).filter(section=section).only("headline").order_by("headline")


def test_pages_and_counts_take_their_bounds_as_parameters(django_assert_num_queries):
    energy, sport = make_section(name="Energy"), make_section(name="Sport")
    for letter in "EDCBA":
        make_article(headline=letter, section=energy)
    make_article(headline="Z", section=sport)
    now = timezone.now()

    with django_assert_num_queries(1):
        assert [a.headline for a in in_section_by_headline.page(0, 2, section=energy.pk, at=now)] == ["A", "B"]
    assert [a.headline for a in in_section_by_headline.page(2, 2, section=energy.pk, at=now)] == ["C", "D"]
    assert [a.headline for a in in_section_by_headline.page(4, 2, section=energy.pk, at=now)] == ["E"]
    assert in_section_by_headline.page(0, 2, section=energy.pk, at=now - timedelta(hours=2)) == []
    with django_assert_num_queries(1):
        assert in_section_by_headline.count_upto(100, section=energy.pk, at=now) == 5
    assert in_section_by_headline.count_upto(3, section=energy.pk, at=now) == 3  # counting stops at the bound
    assert in_section_by_headline.count_upto(100, section=sport.pk, at=now) == 1
    # One statement for each: the page and the bounds changed, the SQL did not.
    assert {shape.name for shape, _ in in_section_by_headline.statements} == {"page", "count"}


def test_a_paginator_reads_a_prepared_list_one_page_at_a_time(django_assert_num_queries):
    section = make_section(name="Energy")
    for number in range(45):
        make_article(headline=f"Story {number:02}", section=section)
    stories = PreparedList(in_section_by_headline, section=section.pk, at=timezone.now())

    paginator = BoundedPaginator(stories, 20, max_pages=2)
    with django_assert_num_queries(2):  # counted up to one past two pages, then page 2 read
        page = paginator.page(2)
        assert [article.headline for article in page.object_list] == [f"Story {n:02}" for n in range(20, 40)]
    assert paginator.count == 41 and paginator.truncated and paginator.num_pages == 2


def test_a_query_sliced_by_itself_cannot_be_asked_for_by_pages():
    @prepared
    def first_three(section: int):
        return Article.objects.filter(section=section)[:3]

    with pytest.raises(ImproperlyConfigured, match="must not be sliced"):
        first_three.page(0, 2, section=1)


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side statements: PostgreSQL")


def server_prepared():
    """The statements this connection has prepared on the server, as PostgreSQL lists them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [statement for (statement,) in cursor.fetchall()]


@on_postgresql
def test_postgresql_prepares_a_prepared_query_once_and_nothing_else():
    section = make_section(name="Energy")
    make_article(headline="B", section=section)
    make_article(headline="A", section=section)
    before = set(server_prepared())  # the connection may hold what earlier tests prepared
    list(Article.objects.filter(headline="A"))  # an ordinary query is not prepared
    assert set(server_prepared()) == before

    for _ in range(3):
        assert [a.headline for a in in_section_by_headline(section=section.pk, at=timezone.now())] == ["A", "B"]
    [statement] = set(server_prepared()) - before
    assert statement.startswith('SELECT "articles_article"."id", "articles_article"."headline"')
    assert "$1" in statement and "ORDER BY" in statement

    list(Article.objects.filter(headline="B"))
    assert set(server_prepared()) - before == {statement}


@on_postgresql
def test_a_rolled_back_transaction_leaves_prepared_queries_working():
    section = make_section(name="Energy")
    make_article(headline="A", section=section)
    assert len(in_section_by_headline(section=section.pk, at=timezone.now())) == 1

    def add_then_fail():
        with transaction.atomic():
            make_article(headline="B", section=section)
            assert len(in_section_by_headline(section=section.pk, at=timezone.now())) == 2
            raise LookupError("rolled back")

    with pytest.raises(LookupError, match="rolled back"):
        add_then_fail()
    assert [a.headline for a in in_section_by_headline(section=section.pk, at=timezone.now())] == ["A"]
    assert in_section_by_headline.count_upto(10, section=section.pk, at=timezone.now()) == 1


@on_postgresql
def test_a_query_kept_off_the_server_is_not_prepared_there():
    @prepared(on_server=False)
    def in_section_planned_each_time(section: int, at: datetime):
        return Article.objects.published(at).filter(section=section).only("headline").order_by("-headline")

    section = make_section(name="Energy")
    make_article(headline="A", section=section)
    before = set(server_prepared())
    for _ in range(3):
        assert [a.headline for a in in_section_planned_each_time(section=section.pk, at=timezone.now())] == ["A"]
    assert set(server_prepared()) == before
