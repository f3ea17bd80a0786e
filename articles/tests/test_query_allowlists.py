"""No user-controlled field name reaches the ORM. Readers' and editors' input only ever becomes a
value compared in SQL; which fields are filtered, annotated or ordered on comes from code:
django-filter's declared filters, the admin's list_filter and list_display, and the few places
below that build field names from constants, each of them reviewed."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin import site

from articles.models import Article
from newsroom.admin import OfferedLookupsOnly

from .factories import make_article, make_author

pytestmark = pytest.mark.django_db

ORM_METHODS = {
    "filter", "exclude", "get", "get_or_create", "update_or_create", "annotate", "alias", "aggregate",
    "order_by", "values", "values_list", "only", "defer", "select_related", "prefetch_related", "update",
    "create", "extra", "raw", "Q",
}  # fmt: skip
OURS = {"articles", "authors", "breaking", "newsroom"}
REQUEST_INPUT = {"GET", "POST", "COOKIES", "META", "headers", "body", "FILES"}

# Every ``*args`` and ``**kwargs`` passed to a queryset method or Q() outside the tests, with why
# its names come from code. A new one fails the test until it is reviewed and added here.
REVIEWED = {
    # public_at(at, through=...): through is "" or a relation path written in code.
    ("articles/models.py", "{f'{through}status': 'published', f'{through}published_at__lte': until}"),
    ("articles/models.py", "{f'{through}expires_at__isnull': True}"),
    ("articles/models.py", "{f'{through}expires_at__gt': at}"),
    # Sending back: a dict of three literal field names built in ArticleAdmin.save_related.
    ("articles/admin.py", "sent_back"),
    # What pages show of an article, a literal tuple of its field names.
    ("articles/invalidation.py", "CARD_FIELDS"),
    # _keep_stored_times: the article's two time fields, a literal set.
    ("articles/editing.py", "DATETIMES"),
    # link_navigation: field is "previous" or "next", from a literal tuple.
    ("articles/services.py", "{f'{named}__in': headlines}"),
    ("articles/services.py", "{link: None}"),
    ("articles/services.py", "{named: ''}"),
    ("articles/services.py", "links"),
    # The columns pages read: literal tuples of field names.
    ("articles/listing.py", "CARD_FIELDS"),
    ("articles/listing.py", "SECTION_FIELDS"),
    ("articles/views.py", "ARTICLE_PAGE_FIELDS"),
    ("articles/views.py", "SECTION_FIELDS"),
    ("articles/views.py", "BYLINE_FIELDS"),
    # _linked(...) / _neighbour(...) with "previous" or "next": literal arguments.
    ("articles/views.py", "_linked('previous', at)"),
    ("articles/views.py", "_linked('next', at)"),
    ("articles/views.py", "_neighbour('previous', at)"),
    ("articles/views.py", "_neighbour('next', at)"),
    # public_live_story(at, through=...): through is "" or a relation path written in code.
    ("breaking/models.py", "{f'{through}status__in': LiveStory.PUBLIC_STATUSES, f'{through}starts_at__lte': at}"),
    # live_story_in_progress(at, through=...): the same, with a literal status and the coverage end.
    ("breaking/models.py", "{f'{through}status': LiveStory.Status.LIVE}"),
    ("breaking/models.py", "{f'{through}ends_at__isnull': True}"),
    ("breaking/models.py", "{f'{through}ends_at__gt': at}"),
    # The ticker bar's columns, a literal tuple of field names (BarItem).
    ("breaking/views.py", "columns"),
    # What lists and the ticker show of a live story, a literal tuple of its field names.
    ("breaking/invalidation.py", "STORY_LISTED_FIELDS"),
    # What a listing shows of a live story (breaking/cards.py), a literal tuple of field names.
    ("breaking/cards.py", "LISTED_FIELDS"),
    # What a list reads of an article (articles/listing.py), a literal tuple of field names.
    ("articles/listing.py", "ListedArticle.COLUMNS"),
    # The home page's placements: those literal tuples behind "article__" and "live_story__".
    ("newsroom/views.py", "article_fields"),
    ("newsroom/views.py", "live_story_fields"),
    # The model's own Meta.ordering.
    ("breaking/admin.py", "LiveStory._meta.ordering"),
    # The model's own Meta.ordering.
    ("authors/admin.py", "Author._meta.ordering"),
    # unique_slug(field=...): callers pass the literal "slug".
    ("newsroom/slugs.py", "{f'{field}__startswith': base}"),
}


def source_files():
    for app in sorted(OURS):
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            relative = path.relative_to(settings.BASE_DIR)
            if "tests" not in relative.parts and "migrations" not in relative.parts:
                yield relative


def orm_calls(tree):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        on_super = isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "super()"
        if name in ORM_METHODS and not on_super:
            yield node


def reads_request_input(node):
    return any(isinstance(inner, ast.Attribute) and inner.attr in REQUEST_INPUT for inner in ast.walk(node))


def test_every_field_name_built_at_run_time_is_reviewed():
    found = set()
    for path in source_files():
        for call in orm_calls(ast.parse(Path(settings.BASE_DIR / path).read_text())):
            unpacked = [arg.value for arg in call.args if isinstance(arg, ast.Starred)]
            unpacked += [keyword.value for keyword in call.keywords if keyword.arg is None]
            found |= {(path.as_posix(), ast.unparse(value)) for value in unpacked}
    assert found == REVIEWED


def test_no_request_input_is_passed_to_the_orm_as_a_name():
    """Request data may be a value (``slug=...``), never a positional argument (a field name
    in order_by, values, only...) nor an unpacked dictionary."""
    offenders = []
    for path in source_files():
        for call in orm_calls(ast.parse(Path(settings.BASE_DIR / path).read_text())):
            as_names = list(call.args) + [keyword.value for keyword in call.keywords if keyword.arg is None]
            offenders += [f"{path}:{call.lineno}" for node in as_names if reads_request_input(node)]
    assert offenders == []


def test_the_scan_sees_what_it_must_refuse(tmp_path):
    """The two checks above, applied to code that does what they forbid."""
    tree = ast.parse(
        "def view(request):\n    Article.objects.filter(**request.GET.dict()).order_by(request.GET['sort'])\n"
    )
    calls = list(orm_calls(tree))
    assert {call.func.attr for call in calls} == {"filter", "order_by"}
    assert all(reads_request_input(call) for call in calls)


def test_archive_ignores_parameters_it_does_not_declare(client):
    make_article(headline="Public story")
    make_article(headline="Hidden draft", status=Article.Status.DRAFT)
    plain = client.get("/archive/")
    tampered = client.get(
        "/archive/",
        {"status": "draft", "headline__contains": "Hidden", "ordering": "-body", "o": "password", "order_by": "-pk"},
    )
    assert tampered.status_code == 200
    assert list(tampered.context["object_list"]) == list(plain.context["object_list"])
    assert "Hidden draft" not in tampered.text


def test_archive_refuses_an_author_it_does_not_know_with_an_empty_list(client):
    make_article(headline="Public story", authors=[make_author(name="Jo March")])
    response = client.get("/archive/", {"author": "__all__"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []


@pytest.mark.parametrize(
    "query",
    [
        {"bylines__author__user__password__startswith": "md5"},
        {"body__contains": "secret"},
        {"authors__email__startswith": "a"},
    ],
)
def test_admin_changelist_refuses_lookups_it_does_not_offer(editor_client, query):
    make_article()
    assert editor_client.get("/admin/articles/article/", query).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "draft"},
        {"state": "scheduled"},
        {"section__id__exact": "1"},
        {"published_at__year": "2026"},
    ],
)
def test_admin_changelist_accepts_the_filters_it_offers(editor_client, query):
    make_article(headline="Only one", status=Article.Status.DRAFT)
    assert editor_client.get("/admin/articles/article/", query).status_code == 200


def test_every_admin_of_ours_keeps_to_its_offered_lookups():
    ours = [model_admin for model, model_admin in site._registry.items() if model._meta.app_label in OURS]
    assert len(ours) >= 8
    assert all(isinstance(model_admin, OfferedLookupsOnly) for model_admin in ours)


def test_admin_changelist_ignores_an_ordering_it_does_not_offer(editor_client):
    make_article(headline="Only one")
    response = editor_client.get("/admin/articles/article/", {"o": "99.-42"})
    assert response.status_code == 200
    assert "Only one" in response.text
