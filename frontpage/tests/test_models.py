"""Placements: which are on the home page at a given time, and the rules the database keeps."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles.tests.factories import make_article, make_hidden_article
from breaking.models import LiveStory
from breaking.tests.factories import make_live_story
from frontpage.models import Placement

from .factories import make_lead, pin

pytestmark = pytest.mark.django_db


def hours_from_now(hours):
    return timezone.now() + timedelta(hours=hours)


def test_current_placements_have_started_not_ended_and_show_a_public_article():
    on = pin(make_article())
    lead = make_lead(make_article())
    pin(make_article(), starts_at=hours_from_now(1))
    pin(make_article(), starts_at=hours_from_now(-3), hours=2)
    for state in ["draft", "in review", "scheduled", "expired"]:
        pin(make_hidden_article(state))

    assert set(Placement.objects.current()) == {on, lead}
    assert all(placement.is_current() for placement in [on, lead])


def test_current_at_another_time_sees_the_placements_of_that_time():
    later = pin(make_article(), starts_at=hours_from_now(1), hours=2)

    assert list(Placement.objects.current(hours_from_now(2))) == [later]
    assert list(Placement.objects.current(hours_from_now(3))) == []
    assert later.is_current(hours_from_now(2)) and not later.is_current(hours_from_now(3))


def test_a_pin_needs_an_end_in_the_database():
    with pytest.raises(IntegrityError):
        Placement.objects.create(place=Placement.Place.PINNED, article=make_article())


def test_a_placement_needs_a_story_in_the_database():
    with pytest.raises(IntegrityError):
        Placement.objects.create(place=Placement.Place.LEAD)


def test_the_end_comes_after_the_start_in_the_database():
    start = timezone.now()
    with pytest.raises(IntegrityError):
        Placement.objects.create(place=Placement.Place.LEAD, article=make_article(), starts_at=start, expires_at=start)


@pytest.mark.parametrize("state", ["draft", "in review", "expired"])
def test_clean_refuses_an_article_readers_cannot_see(state):
    placement = Placement(place=Placement.Place.LEAD, article=make_hidden_article(state))

    with pytest.raises(ValidationError) as refused:
        placement.full_clean()

    assert "article" in refused.value.message_dict


def test_str_names_the_place_and_the_story():
    assert str(make_lead(make_article(headline="Polls close"))) == "Lead story: Polls close"


def test_current_placements_of_live_stories_are_those_in_progress():
    on = pin(make_live_story())
    lead = make_lead(make_live_story())
    later = pin(make_live_story(starts_at=hours_from_now(1)))
    draft = pin(make_live_story(status=LiveStory.Status.DRAFT))
    ended = pin(make_live_story(status=LiveStory.Status.ENDED))
    past_end = pin(make_live_story(starts_at=hours_from_now(-2), ends_at=hours_from_now(-1)))
    ending = pin(make_live_story(ends_at=hours_from_now(1)))

    assert set(Placement.objects.current()) == {on, lead, ending}
    assert [placement.is_current() for placement in [on, lead, later, draft, ended, past_end, ending]] == [
        True,
        True,
        False,
        False,
        False,
        False,
        True,
    ]
    assert set(Placement.objects.current(hours_from_now(2))) == {on, lead, later}
    assert not ending.is_current(hours_from_now(2))


def test_a_placement_names_exactly_one_story_in_the_database():
    with pytest.raises(IntegrityError):
        Placement.objects.create(place=Placement.Place.LEAD, article=make_article(), live_story=make_live_story())


@pytest.mark.parametrize(
    "state",
    [{"status": "draft"}, {"status": "ended"}, {"starts_at": hours_from_now(-2), "ends_at": hours_from_now(-1)}],
    ids=["draft", "ended", "past-its-coverage-end"],
)
def test_clean_refuses_a_live_story_not_live(state):
    placement = Placement(place=Placement.Place.LEAD, live_story=make_live_story(**state))

    with pytest.raises(ValidationError) as refused:
        placement.full_clean()

    assert "live_story" in refused.value.message_dict


def test_str_names_a_live_story_too():
    placement = pin(make_live_story(headline="Storm hits the coast"))

    assert str(placement) == "Pinned: Storm hits the coast"
