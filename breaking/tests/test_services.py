from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.tests.factories import make_author, make_user
from breaking import services
from breaking.models import LiveStory, LiveUpdate

from .factories import make_live_story, make_update

pytestmark = pytest.mark.django_db


def test_posting_credits_the_poster_and_dates_the_story():
    reporter = make_user("Reporter")
    author = make_author(name="Sam Reporter", user=reporter)
    story = make_live_story()

    update = services.post_update(story=story, user=reporter, title="Roads shut", body="<p>All of them.</p>")

    story.refresh_from_db()
    assert list(update.authors.all()) == [author]
    assert update.posted_by == reporter
    assert story.last_posted_at == update.posted_at
    assert [version.revision.comment for version in Version.objects.get_for_object(update)] == ["Posted."]


def test_an_ended_story_takes_no_updates():
    story = make_live_story(status=LiveStory.Status.ENDED)
    with pytest.raises(services.UpdateRefused):
        services.post_update(story=story, user=make_user("Editor"), body="<p>Late.</p>")
    assert not LiveUpdate.objects.exists()


def test_a_story_past_its_coverage_end_takes_no_updates_until_the_end_moves_later():
    story = make_live_story(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.UpdateRefused):
        services.post_update(story=story, user=make_user("Editor"), body="<p>Late.</p>")
    assert not LiveUpdate.objects.exists()

    story.ends_at = timezone.now() + timedelta(hours=1)
    story.save()
    services.post_update(story=story, user=make_user("Editor"), body="<p>Extended.</p>")
    assert LiveUpdate.objects.count() == 1


def test_posting_validates_like_the_form():
    with pytest.raises(Exception, match="Write the update"):
        services.post_update(story=make_live_story(), user=make_user("Editor"), body="<p> </p>")


def test_an_edit_is_recorded_with_who_and_when():
    editor = make_user("Editor")
    update = make_update(make_live_story())
    update.body = "<p>Corrected.</p>"
    services.record_edit(update=update, user=editor)
    update.refresh_from_db()
    assert update.edited_by == editor and update.edited_at is not None


def test_removing_keeps_the_row_and_its_words_in_history():
    editor = make_user("Editor")
    update = services.post_update(story=make_live_story(), user=editor, body="<p>Wrong figure.</p>")

    services.remove_update(update=update, user=editor)

    update.refresh_from_db()
    assert update.is_deleted and update.deleted_by == editor
    assert not LiveUpdate.objects.published().exists()
    versions = Version.objects.get_for_object(update)
    assert [version.revision.comment for version in versions] == ["Removed.", "Posted."]
    assert "Wrong figure." in versions[1].serialized_data
