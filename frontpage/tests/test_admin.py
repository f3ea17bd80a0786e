"""The front page's admin: who may choose the lead and pins, and what an editor's choice does.
Every role tries every operation through the real admin, and the database says whether it
happened."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_hidden_article
from breaking.models import LiveStory
from breaking.tests.factories import make_live_story
from frontpage.models import Placement

from .factories import make_lead, pin

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:frontpage_placement_changelist")
ADD = reverse("admin:frontpage_placement_add")
ROLES = ["Reporter", "Editor", "Site administrator", "superuser", "staff"]
CONTROLS_THE_FRONT_PAGE = {"Editor", "Site administrator", "superuser"}


def add(client, **fields):
    """POST the add form as ``client`` sees it (an editor's form when it cannot see one)."""
    shown = client.get(ADD)
    data = form_data(shown) if shown.status_code == 200 else {"place": "pinned", "lasts": "6", "position": "0"}
    return client.post(ADD, {**data, **fields})


def open_list(client):
    return client.get(CHANGELIST).status_code == 200


def open_a_placement(client):
    placement = pin(make_article())
    return client.get(reverse("admin:frontpage_placement_change", args=[placement.pk])).status_code == 200


def pin_an_article(client):
    article = make_article(headline="Pin me")
    add(client, article=article.pk)
    return Placement.objects.filter(article=article).exists()


def change_a_placement(client):
    placement = pin(make_article(), position=1)
    url = reverse("admin:frontpage_placement_change", args=[placement.pk])
    shown = client.get(url)
    data = form_data(shown) if shown.status_code == 200 else {}
    client.post(url, {**data, "place": "pinned", "article": placement.article_id, "lasts": "6", "position": "7"})
    return Placement.objects.get(pk=placement.pk).position == 7


def delete_a_placement(client):
    placement = pin(make_article())
    client.post(reverse("admin:frontpage_placement_delete", args=[placement.pk]), {"post": "yes"})
    return not Placement.objects.filter(pk=placement.pk).exists()


def end_one_now(client):
    placement = pin(make_article())
    client.post(CHANGELIST, {"action": "end_now", "_selected_action": [placement.pk]})
    return not Placement.objects.current().filter(pk=placement.pk).exists()


def pin_a_live_story(client):
    story = make_live_story(headline="Pin me live")
    add(client, live_story=story.pk, article="")
    return Placement.objects.filter(live_story=story).exists()


def lead_with_a_live_story(client):
    story = make_live_story(headline="Lead live")
    add(client, live_story=story.pk, article="", place="lead", lasts="")
    return Placement.objects.filter(live_story=story, place="lead").exists()


def search_the_live_stories(client):
    make_live_story(headline="Findable storm")
    query = {"app_label": "frontpage", "model_name": "placement", "field_name": "live_story", "term": "storm"}
    response = client.get(reverse("admin:autocomplete"), query)
    return response.status_code == 200 and "Findable storm" in response.text


def search_the_articles(client):
    make_article(headline="Findable oil")
    query = {"app_label": "frontpage", "model_name": "placement", "field_name": "article", "term": "oil"}
    response = client.get(reverse("admin:autocomplete"), query)
    return response.status_code == 200 and "Findable oil" in response.text


ATTEMPTS = [
    *(open_list, open_a_placement, pin_an_article, change_a_placement, delete_a_placement, end_one_now),
    *(pin_a_live_story, lead_with_a_live_story, search_the_live_stories, search_the_articles),
]


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=lambda attempt: attempt.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_only_editors_and_above_control_the_front_page(login, role, attempt):
    assert attempt(login(role)) is (role in CONTROLS_THE_FRONT_PAGE)


@pytest.mark.parametrize("role", ["Reporter", "staff"])
def test_the_front_page_is_not_even_listed_for_those_who_may_not_control_it(login, role):
    index = login(role).get("/admin/").text

    assert "frontpage" not in index
    assert "Front page" not in index


@pytest.mark.parametrize("state", ["draft", "in review", "expired"])
def test_an_article_readers_cannot_see_cannot_lead_or_be_pinned_by_its_id(login, state):
    hidden = make_hidden_article(state)

    for place in ["lead", "pinned"]:
        response = add(login("Editor"), article=hidden.pk, place=place)
        assert response.status_code == 200
        assert "article" in response.context["adminform"].form.errors

    assert not Placement.objects.exists()


def test_a_scheduled_article_may_be_pinned_ahead_and_shows_once_public(login, client):
    make_article(headline="Newest")
    embargoed = make_hidden_article("scheduled", headline="Embargoed results")

    add(login("Editor"), article=embargoed.pk, place="pinned", lasts="6")

    assert Placement.objects.filter(article=embargoed).exists()
    assert "Embargoed results" not in client.get("/").text
    Article.objects.filter(pk=embargoed.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert "Embargoed results" in client.get("/").text


def test_an_id_that_is_no_article_is_refused(login):
    response = add(login("Editor"), article=Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 999)

    assert "article" in response.context["adminform"].form.errors
    assert not Placement.objects.exists()


def test_the_article_autocomplete_offers_published_articles_only(login):
    make_article(headline="Oil published")
    make_hidden_article("draft", headline="Oil draft")
    query = {"app_label": "frontpage", "model_name": "placement", "field_name": "article", "term": "Oil"}

    results = json.loads(login("Editor").get(reverse("admin:autocomplete"), query).content)["results"]

    assert [result["text"] for result in results] == ["Oil published"]


@pytest.mark.parametrize("state", ["draft", "ended"])
@pytest.mark.parametrize("place", ["lead", "pinned"])
def test_a_live_story_not_live_cannot_lead_or_be_pinned_by_its_id(login, state, place):
    hidden = make_live_story(status=state, **({"ends_at": timezone.now()} if state == "ended" else {}))

    response = add(login("Editor"), live_story=hidden.pk, place=place)

    assert response.status_code == 200
    assert "live_story" in response.context["adminform"].form.errors
    assert not Placement.objects.exists()


def test_an_article_s_id_does_not_choose_the_draft_live_story_that_shares_it(login):
    article = make_article(headline="Public article")
    draft = make_live_story(pk=article.pk, headline="Secret draft", status="draft")

    refused = add(login("Editor"), live_story=draft.pk, article="")
    add(login("Editor"), article=article.pk, live_story="")

    assert "live_story" in refused.context["adminform"].form.errors
    assert list(Placement.objects.values_list("article", "live_story")) == [(article.pk, None)]


@pytest.mark.parametrize("chosen", ["both", "neither"])
def test_a_placement_names_an_article_or_a_live_story_not_both_nor_neither(login, chosen):
    fields = {"article": make_article().pk, "live_story": make_live_story().pk}
    if chosen == "neither":
        fields = {"article": "", "live_story": ""}

    response = add(login("Editor"), **fields)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["Choose an article or a live story: one of them."]
    assert not Placement.objects.exists()


def test_a_live_story_scheduled_to_start_may_be_pinned_ahead_and_shows_once_started(login, client):
    make_article(headline="Newest")
    later = make_live_story(headline="Storm watch", starts_at=timezone.now() + timedelta(hours=1))

    add(login("Editor"), live_story=later.pk, article="", place="pinned", lasts="6")

    assert Placement.objects.filter(live_story=later).exists()
    assert "Storm watch" not in client.get("/").text
    LiveStory.objects.filter(pk=later.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert "Storm watch" in client.get("/").text


def test_the_live_story_autocomplete_offers_live_stories_only(login):
    make_live_story(headline="Storm live")
    make_live_story(headline="Storm later", starts_at=timezone.now() + timedelta(hours=1))
    make_live_story(headline="Storm draft", status="draft")
    make_live_story(headline="Storm ended", status="ended")
    query = {"app_label": "frontpage", "model_name": "placement", "field_name": "live_story", "term": "Storm"}

    results = json.loads(login("Editor").get(reverse("admin:autocomplete"), query).content)["results"]

    assert sorted(result["text"] for result in results) == ["Storm later", "Storm live"]


def test_show_for_sets_the_end_from_the_start_and_a_pin_needs_one(login):
    client = login("Editor")
    article = make_article()

    refused = add(client, article=article.pk, place="pinned", lasts="")
    assert "lasts" in refused.context["adminform"].form.errors

    before = timezone.now()
    add(client, article=article.pk, place="pinned", lasts="3")
    placement = Placement.objects.get()
    assert placement.expires_at - placement.starts_at == timedelta(hours=3)
    assert placement.starts_at >= before - timedelta(seconds=1)
    assert placement.created_by.groups.get().name == "Editor"


def test_a_lead_story_may_lead_until_replaced(login):
    add(login("Editor"), article=make_article().pk, place="lead", lasts="")

    placement = Placement.objects.get()
    assert placement.place == Placement.Place.LEAD
    assert placement.expires_at is None


def test_end_now_takes_current_placements_off_and_leaves_the_others(login):
    current = pin(make_article(headline="On the page"))
    later = pin(make_article(headline="Not yet"), starts_at=timezone.now() + timedelta(hours=1))

    response = login("Editor").post(
        CHANGELIST, {"action": "end_now", "_selected_action": [current.pk, later.pk]}, follow=True
    )

    assert not Placement.objects.current().exists()
    assert Placement.objects.get(pk=later.pk).expires_at == later.expires_at
    text = response.text
    assert "Off the home page now: “On the page”" in text
    assert "Not on the home page, so left as they are: “Not yet”" in text


@pytest.mark.parametrize("rows", [1, 20])
def test_changelist_queries_do_not_grow_with_rows(login, django_assert_num_queries, rows):
    client = login("Editor")
    for number in range(rows):
        pin(make_article() if number % 2 else make_live_story(), position=number)
    make_lead(make_article())

    # Session, user, the user's and the group's permissions, the count and the unfiltered count,
    # the rows with their articles and live stories, and the date hierarchy's range and days.
    with django_assert_num_queries(9):
        response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.text.count('class="action-select"') == rows + 1
