"""Who may do what with live coverage, role by role, through the admin as each role would: every
operation is tried by every role, and what a role may not do must leave the database as it was.

Reporters post updates to live stories directly (live coverage cannot wait for a review) and
change or remove their own updates; editors run the stories: create, start and end them, post
while a story is still a draft, pin updates and mark key events, and change anyone's update."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.tests.admin_forms import form_data
from articles.tests.factories import make_user
from breaking import services
from breaking.models import LiveStory, LiveUpdate

from .factories import make_live_story

pytestmark = pytest.mark.django_db


def post(client, story, **fields):
    return client.post(reverse("admin:breaking_livestory_post", args=[story.pk]), {"body": "<p>Posted.</p>", **fields})


def post_form(client, reader, url, **changes):
    """POST the form at ``url`` as ``reader`` (who may open it) sees it, with ``changes``."""
    return client.post(url, {**form_data(reader.get(url)), **changes})


def others_update(**fields):
    return services.post_update(story=make_live_story(), user=make_user("Editor"), body="<p>Theirs.</p>", **fields)


def own_update(client):
    """An update ``client`` posted, or None when they may not post."""
    story = make_live_story()
    post(client, story, body="<p>Mine.</p>")
    return LiveUpdate.objects.filter(story=story).first()


def update_url(update, view="change"):
    return reverse(f"admin:breaking_liveupdate_{view}", args=[update.pk])


def post_to_live_story(client, reader):
    story = make_live_story()
    post(client, story)
    return LiveUpdate.objects.filter(story=story).exists()


def post_to_draft_story(client, reader):
    story = make_live_story(status=LiveStory.Status.DRAFT)
    post(client, story)
    return LiveUpdate.objects.filter(story=story).exists()


def post_to_ended_story(client, reader):
    story = make_live_story(status=LiveStory.Status.ENDED)
    post(client, story)
    return LiveUpdate.objects.filter(story=story).exists()


def post_pinned_key_event(client, reader):
    story = make_live_story()
    post(client, story, pinned="on", key_event="on")
    return LiveUpdate.objects.filter(story=story, pinned=True, key_event=True).exists()


def see_the_post_form(client, reader):
    story = make_live_story()
    response = client.get(reverse("admin:breaking_livestory_change", args=[story.pk]))
    return response.status_code == 200 and 'id="live-post-form"' in response.text


def edit_own_update(client, reader):
    update = own_update(client)
    if update is None:
        return False
    post_form(client, reader, update_url(update), body="<p>Mine, edited.</p>")
    return LiveUpdate.objects.get(pk=update.pk).body == "<p>Mine, edited.</p>"


def edit_others_update(client, reader):
    update = others_update()
    post_form(client, reader, update_url(update), body="<p>Changed by someone else.</p>")
    return LiveUpdate.objects.get(pk=update.pk).body == "<p>Changed by someone else.</p>"


def pin_own_update_by_editing(client, reader):
    update = own_update(client)
    if update is None:
        return False
    post_form(client, reader, update_url(update), pinned="on")
    return LiveUpdate.objects.get(pk=update.pk).pinned


def remove_own_update(client, reader):
    update = own_update(client)
    if update is None:
        return False
    client.post(update_url(update, "delete"), {"post": "yes"})
    return LiveUpdate.objects.get(pk=update.pk).is_deleted


def remove_others_update(client, reader):
    update = others_update()
    client.post(update_url(update, "delete"), {"post": "yes"})
    return LiveUpdate.objects.get(pk=update.pk).is_deleted


def remove_others_update_through_action(client, reader):
    update = others_update()
    url = reverse("admin:breaking_liveupdate_changelist")
    client.post(url, {"action": "remove", "_selected_action": [update.pk]})
    return LiveUpdate.objects.get(pk=update.pk).is_deleted


def move_own_update_to_another_story(client, reader):
    update = own_update(client)
    if update is None:
        return False
    elsewhere = make_live_story()
    post_form(client, reader, update_url(update), story=elsewhere.pk)
    return LiveUpdate.objects.get(pk=update.pk).story_id == elsewhere.pk


def add_live_story(client, reader):
    url = reverse("admin:breaking_livestory_add")
    post_form(client, reader, url, headline="Storm hits", slug="storm-hits", status="live")
    return LiveStory.objects.filter(slug="storm-hits").exists()


def end_live_story(client, reader):
    story = make_live_story()
    post_form(client, reader, reverse("admin:breaking_livestory_change", args=[story.pk]), status="ended")
    return LiveStory.objects.get(pk=story.pk).status == LiveStory.Status.ENDED


def delete_live_story(client, reader):
    story = make_live_story()
    client.post(reverse("admin:breaking_livestory_delete", args=[story.pk]), {"post": "yes"})
    return not LiveStory.objects.filter(pk=story.pk).exists()


REPORTER_MAY = {
    post_to_live_story,
    see_the_post_form,
    edit_own_update,
    remove_own_update,
}
EDITOR_MAY = REPORTER_MAY | {
    post_to_draft_story,
    post_pinned_key_event,
    edit_others_update,
    pin_own_update_by_editing,
    remove_others_update,
    remove_others_update_through_action,
    add_live_story,
    end_live_story,
    delete_live_story,
}
NOBODY_MAY = {post_to_ended_story, move_own_update_to_another_story}
EVERYTHING = EDITOR_MAY | NOBODY_MAY
ALLOWED = {
    None: set(),
    "staff": set(),
    "Reporter": REPORTER_MAY,
    "Editor": EDITOR_MAY,
    "Site administrator": EDITOR_MAY,
    "superuser": EDITOR_MAY,
}


@pytest.mark.parametrize("operation", sorted(EVERYTHING, key=lambda op: op.__name__), ids=lambda op: op.__name__)
@pytest.mark.parametrize("role", list(ALLOWED), ids=lambda role: role or "anonymous")
def test_each_role_may_do_exactly_what_it_is_allowed(login, role, operation):
    reader = login("superuser")
    assert operation(login(role), reader) is (operation in ALLOWED[role])


def test_live_coverage_roles_come_from_a_migration():
    reporter = set(Group.objects.get(name="Reporter").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_liveupdate", "change_liveupdate", "delete_liveupdate", "view_livestory"} <= reporter
    assert not {"add_livestory", "change_livestory", "delete_livestory"} & reporter
    assert {"add_livestory", "change_livestory", "delete_livestory", "add_liveupdate"} <= editor
