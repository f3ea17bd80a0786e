"""Who else has an article open: the notice on the change form at page load, and the heartbeat
its script polls to keep it current."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import presence
from articles.admin import ArticleAdmin
from articles.models import Article, ArticlePresence

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def notices(response):
    """The notice's lines as the page shows them."""
    html = response.content.decode()
    region = re.search(r'<div class="article-presence".*?</div>', html, re.S).group()
    items = re.findall(r"<li .*?</li>", region, re.S)
    return [re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def names_in(response):
    return [notice.split(" is also editing")[0] for notice in notices(response)]


def heartbeat(client, article, **data):
    return client.post(presence_url(article), data)


def others(client, article):
    response = heartbeat(client, article)
    assert response.status_code == 200
    return [other["name"] for other in response.json()["others"]]


@pytest.fixture
def sam():
    return make_user("Reporter", username="sam", first_name="Sam", last_name="Reporter")


@pytest.fixture
def eve():
    return make_user("Editor", username="eve")


@pytest.fixture
def article():
    return make_article(status=Article.Status.DRAFT)


def test_two_people_opening_the_same_article_are_each_told_about_the_other(sam, eve, article):
    first, second = client_for(eve), client_for(sam)
    assert names_in(first.get(change_url(article))) == []

    page = second.get(change_url(article))
    assert notices(page) == ["eve is also editing this article — opened just now"]
    assert others(first, article) == ["Sam Reporter (sam)"]
    assert others(second, article) == ["eve"]


def test_the_notice_says_how_long_ago_the_other_opened_the_article(sam, eve, article):
    client_for(eve).get(change_url(article))
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=5)):
        heartbeat(client_for(eve), article)
        page = client_for(sam).get(change_url(article))
        answer = heartbeat(client_for(sam), article).json()
    assert notices(page) == ["eve is also editing this article — opened 2\xa0minutes ago"]
    assert answer["others"][0]["opened"] == "opened 2\xa0minutes ago"


def test_a_page_that_went_silent_for_over_a_minute_is_no_longer_listed(sam, eve, article):
    client_for(eve).get(change_url(article))
    reporter = client_for(sam)
    with time_machine.travel(timezone.now() + timedelta(seconds=50)):
        assert others(reporter, article) == ["eve"]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert others(reporter, article) == []
        assert names_in(reporter.get(change_url(article))) == []


def test_leaving_the_page_takes_its_user_off(sam, eve, article):
    editor, reporter = client_for(eve), client_for(sam)
    editor.get(change_url(article))
    seen = heartbeat(editor, article).json()["seen"]
    assert others(reporter, article) == ["eve"]

    response = heartbeat(editor, article, leaving="1", seen=seen)
    assert response.status_code == 204
    assert others(reporter, article) == []


def test_delete_takes_its_user_off(sam, eve, article):
    client_for(eve).get(change_url(article))
    response = client_for(eve).delete(presence_url(article))
    assert response.status_code == 204
    assert others(client_for(sam), article) == []


def test_reloading_the_page_keeps_its_user_on(sam, eve, article):
    """The old page says it is leaving after the new one has loaded."""
    editor = client_for(eve)
    editor.get(change_url(article))
    old_page_seen = heartbeat(editor, article).json()["seen"]
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        editor.get(change_url(article))
        heartbeat(editor, article, leaving="1", seen=old_page_seen)
        assert others(client_for(sam), article) == ["eve"]


def test_leaving_with_a_time_that_is_not_one_is_refused(eve, article):
    editor = client_for(eve)
    editor.get(change_url(article))
    assert heartbeat(editor, article, leaving="1", seen="yesterday").status_code == 400
    assert heartbeat(editor, article, leaving="1", seen="2030-02-30T10:00:00+00:00").status_code == 400
    assert heartbeat(editor, article, leaving="1", seen="2030-01-30T10:00:00").status_code == 400
    assert ArticlePresence.objects.filter(user=eve).exists()


def test_presence_on_other_articles_is_not_shown(sam, eve, article):
    elsewhere = make_article(status=Article.Status.DRAFT)
    client_for(eve).get(change_url(elsewhere))
    reporter = client_for(sam)
    assert others(reporter, article) == []
    assert names_in(reporter.get(change_url(article))) == []
    assert ArticlePresence.objects.filter(article=elsewhere, user=eve).exists()


def test_leaving_one_article_leaves_the_others_open(eve, article):
    elsewhere = make_article(status=Article.Status.DRAFT)
    editor = client_for(eve)
    editor.get(change_url(article))
    editor.get(change_url(elsewhere))
    heartbeat(editor, elsewhere, leaving="1")
    assert list(ArticlePresence.objects.filter(user=eve).values_list("article", flat=True)) == [article.pk]


def test_a_heartbeat_forgets_old_rows_of_its_own_article_only(sam, eve, article):
    elsewhere = make_article(status=Article.Status.DRAFT)
    client_for(eve).get(change_url(article))
    client_for(eve).get(change_url(elsewhere))
    later = timezone.now() + presence.FORGET_AFTER + timedelta(seconds=1)
    with time_machine.travel(later):
        heartbeat(client_for(sam), article)
    assert set(ArticlePresence.objects.values_list("article", "user")) == {(article.pk, sam.pk), (elsewhere.pk, eve.pk)}


def test_someone_back_within_a_few_minutes_keeps_their_opening_time(sam, eve, article):
    client_for(eve).get(change_url(article))
    opened_at = ArticlePresence.objects.get(user=eve).opened_at
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        heartbeat(client_for(eve), article)
    assert ArticlePresence.objects.get(user=eve).opened_at == opened_at


def test_users_no_longer_active_staff_are_not_named(sam, eve, article):
    client_for(eve).get(change_url(article))
    eve.is_active = False
    eve.save()
    assert others(client_for(sam), article) == []


def test_the_add_form_records_no_one(eve):
    response = client_for(eve).get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    assert "article-presence" not in response.content.decode()
    assert not ArticlePresence.objects.exists()


def test_the_page_carries_what_its_script_needs(eve, article):
    html = client_for(eve).get(change_url(article)).content.decode()
    assert f'data-presence-url="{presence_url(article)}"' in html
    assert f'data-presence-poll-seconds="{presence.POLL_SECONDS}"' in html
    assert 'aria-live="polite"' in html
    assert re.search(r'<script src="[^"]*js/presence\.js" defer></script>', html)


# Who may use the heartbeat


@pytest.mark.parametrize("role", ["Reporter", "Editor", "Site administrator", "superuser"])
def test_staff_who_may_see_articles_may_use_the_heartbeat(login, role, article):
    client = login(role)
    assert heartbeat(client, article).status_code == 200
    assert ArticlePresence.objects.filter(article=article).exists()
    assert client.delete(presence_url(article)).status_code == 204
    assert not ArticlePresence.objects.exists()


def test_staff_without_a_role_are_refused(login, article):
    client = login("staff")
    assert heartbeat(client, article).status_code == 403
    assert client.delete(presence_url(article)).status_code == 403
    assert not ArticlePresence.objects.exists()


def test_a_reporter_who_may_only_view_a_published_article_is_counted_there(sam):
    article = make_article()
    assert heartbeat(client_for(sam), article).status_code == 200
    assert ArticlePresence.objects.filter(article=article, user=sam).exists()


def test_visitors_are_sent_to_log_in(client, article):
    response = heartbeat(client, article)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not ArticlePresence.objects.exists()


def test_users_who_are_not_staff_are_sent_to_log_in(article):
    response = heartbeat(client_for(make_user("Editor", is_staff=False)), article)
    assert response.status_code == 302
    assert not ArticlePresence.objects.exists()


def test_an_unknown_article_is_not_found(eve):
    assert heartbeat(client_for(eve), Article(pk=999_999)).status_code == 404


def test_staff_without_a_role_cannot_tell_which_articles_exist(login):
    assert heartbeat(login("staff"), Article(pk=999_999)).status_code == 403


def test_staff_without_permission_on_the_article_are_refused(article, monkeypatch):
    """Object permission is checked, not only permission on articles in general."""
    monkeypatch.setattr(ArticleAdmin, "has_view_or_change_permission", lambda self, request, obj=None: obj is None)
    client = client_for(make_user("Editor"))
    assert heartbeat(client, article).status_code == 403
    assert not ArticlePresence.objects.exists()


def test_the_heartbeat_needs_a_csrf_token(eve, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(eve)
    assert client.post(presence_url(article)).status_code == 403
    page = client.get(change_url(article)).content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    assert client.post(presence_url(article), HTTP_X_CSRFTOKEN=token).status_code == 200
    assert client.post(presence_url(article), {"csrfmiddlewaretoken": token, "leaving": "1"}).status_code == 204


def test_the_heartbeat_answers_post_and_delete_only(eve, article):
    assert client_for(eve).get(presence_url(article)).status_code == 405


@pytest.mark.parametrize("present", [1, 6])
def test_heartbeat_queries_do_not_grow_with_people_present(django_assert_num_queries, eve, article, present):
    for _ in range(present):
        client_for(make_user("Reporter")).get(change_url(article))
    editor = client_for(eve)
    # Session, user, the user's and their groups' permissions, the article, forgetting old rows,
    # writing this user's row, reading the others.
    with django_assert_num_queries(8):
        response = heartbeat(editor, article)
    assert len(response.json()["others"]) == present
