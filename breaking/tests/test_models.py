from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.html import sanitize_html
from articles.tests.factories import make_article
from breaking.models import LiveStory, LiveUpdate, TickerItem
from newsroom.tests.uploads import image_upload

from .factories import breaking_news, make_live_story, make_ticker_item, make_update

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
JUST_BEFORE = NOON - timedelta(microseconds=1)


def travel(instant):
    return time_machine.travel(instant, tick=False)


# Tickers


def test_ticker_item_appears_at_its_start_and_goes_at_its_expiry():
    item = make_ticker_item(starts_at=NOON, expires_at=NOON + timedelta(hours=3))
    for instant, shown in [
        (JUST_BEFORE, False),
        (NOON, True),
        (NOON + timedelta(hours=3) - timedelta(microseconds=1), True),
        (NOON + timedelta(hours=3), False),
    ]:
        with travel(instant):
            assert TickerItem.objects.live().filter(pk=item.pk).exists() is shown, instant
            assert item.is_live() is shown, instant


def test_live_ticker_items_are_most_important_first_then_newest():
    old_urgent = make_ticker_item(priority=TickerItem.Priority.URGENT, starts_at=NOON - timedelta(hours=2))
    new_normal = make_ticker_item(starts_at=NOON - timedelta(minutes=5))
    old_normal = make_ticker_item(starts_at=NOON - timedelta(hours=1))
    high = make_ticker_item(priority=TickerItem.Priority.HIGH, starts_at=NOON - timedelta(hours=3))
    make_ticker_item(priority=TickerItem.Priority.URGENT, starts_at=NOON + timedelta(minutes=1))
    with travel(NOON):
        assert list(TickerItem.objects.live()) == [old_urgent, high, new_normal, old_normal]


def test_ticker_item_linking_to_a_scheduled_article_waits_for_the_article():
    article = make_article(published_at=NOON)
    item = make_ticker_item(article=article, starts_at=NOON - timedelta(hours=1))
    with travel(JUST_BEFORE):
        assert not TickerItem.objects.live().filter(pk=item.pk).exists()
        assert not item.is_live()
    with travel(NOON):
        assert TickerItem.objects.live().filter(pk=item.pk).exists()
        assert item.is_live()
    assert item.get_link() == article.get_absolute_url()


def test_ticker_item_refuses_both_an_article_and_an_external_link():
    item = TickerItem(ticker=make_ticker_item().ticker, text="Both", article=make_article(), url="https://example.org/")
    with pytest.raises(ValidationError, match="not several"):
        item.full_clean()


# Live stories and their updates


def test_live_story_is_public_once_live_or_ended_and_started():
    live = make_live_story(status=LiveStory.Status.LIVE, starts_at=NOON)
    ended = make_live_story(status=LiveStory.Status.ENDED, starts_at=NOON - timedelta(hours=5))
    draft = make_live_story(status=LiveStory.Status.DRAFT, starts_at=NOON - timedelta(hours=1))
    with travel(JUST_BEFORE):
        assert list(LiveStory.objects.published()) == [ended]
        assert not live.is_public()
    with travel(NOON):
        assert set(LiveStory.objects.published()) == {live, ended}
        assert live.is_public() and ended.is_public() and not draft.is_public()


def test_ending_a_story_records_when_its_coverage_ended():
    story = make_live_story(starts_at=NOON - timedelta(hours=2))
    with travel(NOON):
        story.status = LiveStory.Status.ENDED
        story.save()
    assert story.ends_at == NOON
    assert not story.accepts_updates()


@pytest.mark.parametrize(
    ("status", "ends_at", "in_progress"),
    [
        (LiveStory.Status.LIVE, None, True),
        (LiveStory.Status.LIVE, NOON + timedelta(hours=1), True),
        (LiveStory.Status.LIVE, NOON + timedelta(microseconds=1), True),
        (LiveStory.Status.LIVE, NOON, False),
        (LiveStory.Status.LIVE, NOON - timedelta(hours=1), False),
        (LiveStory.Status.ENDED, NOON - timedelta(hours=1), False),
        (LiveStory.Status.ENDED, NOON + timedelta(hours=1), False),
        (LiveStory.Status.DRAFT, None, False),
    ],
)
def test_a_story_is_in_progress_while_live_until_its_coverage_end(status, ends_at, in_progress):
    story = make_live_story(status=status, starts_at=NOON - timedelta(hours=2), ends_at=ends_at)
    with travel(NOON):
        assert LiveStory.objects.in_progress().filter(pk=story.pk).exists() is in_progress
        assert story.is_in_progress() is in_progress
        assert LiveStory.objects.get(pk=story.pk).is_in_progress() is in_progress


def test_a_live_story_stops_taking_updates_at_its_coverage_end():
    story = make_live_story(starts_at=NOON - timedelta(hours=2), ends_at=NOON)
    with travel(JUST_BEFORE):
        assert story.accepts_updates()
    with travel(NOON):
        assert not story.accepts_updates()
        assert story.is_public()  # the page stays up, closed


def test_an_ended_story_without_an_end_is_refused_by_the_database():
    story = make_live_story(status=LiveStory.Status.ENDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveStory.objects.filter(pk=story.pk).update(ends_at=None)


def test_live_story_slug_comes_from_the_headline_and_stays_unique():
    first = make_live_story(headline="Storm hits the coast")
    second = make_live_story(headline="Storm hits the coast")
    assert (first.slug, second.slug) == ("storm-hits-the-coast", "storm-hits-the-coast-2")
    assert first.get_absolute_url() == "/live/storm-hits-the-coast/"


def test_update_body_is_sanitised_like_an_article_body():
    dirty = '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">link</a></p><img src=x>'
    update = make_update(make_live_story(), body=dirty)
    article = make_article(body=dirty)
    assert update.body == article.body == sanitize_html(dirty)
    assert "script" not in update.body and "onclick" not in update.body and "javascript" not in update.body


def test_update_needs_words_a_title_or_an_image():
    update = LiveUpdate(story=make_live_story(), body="<p></p>")
    with pytest.raises(ValidationError, match="Write the update"):
        update.full_clean()


def test_update_image_needs_alt_text():
    update = LiveUpdate(story=make_live_story(), body="<p>Hi</p>", image=image_upload("photo.png"))
    with pytest.raises(ValidationError, match="Describe the image"):
        update.full_clean()


def test_updates_readers_see_are_posted_not_removed_and_of_a_public_story():
    story = make_live_story()
    shown = make_update(story)
    later = make_update(story, posted_at=timezone.now() + timedelta(hours=1))
    removed = make_update(story, deleted_at=timezone.now())
    hidden = make_update(make_live_story(status=LiveStory.Status.DRAFT))
    assert list(LiveUpdate.objects.published()) == [shown]
    assert set(LiveUpdate.objects.shown()) == {shown, removed}
    assert later not in LiveUpdate.objects.shown() and hidden not in LiveUpdate.objects.shown()


def test_ticker_item_linking_to_a_live_story_shows_only_while_the_story_is_public():
    story = make_live_story(status=LiveStory.Status.DRAFT)
    item = make_ticker_item(live_story=story)
    assert not TickerItem.objects.live().filter(pk=item.pk).exists()
    assert not item.is_live()
    story.status = LiveStory.Status.LIVE
    story.save()
    item.refresh_from_db()
    assert TickerItem.objects.live().filter(pk=item.pk).exists() and item.is_live()
    assert item.get_link() == story.get_absolute_url()


def test_ticker_item_links_to_one_place_only():
    item = TickerItem(ticker=breaking_news(), text="Both", live_story=make_live_story(), url="https://example.org/")
    with pytest.raises(ValidationError, match="not several"):
        item.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()
