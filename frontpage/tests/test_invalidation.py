"""A front page choice makes stale the home page alone, and a placement's start and end show at
their time with no job to run (newsroom/cache.py, frontpage/invalidation.py)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.tests.factories import make_article, make_author, make_section
from frontpage.invalidation import next_due
from frontpage.models import Placement

from .factories import make_lead, pin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
WATCHED = [
    "/",
    "/articles/oil-falls/",
    "/articles/coal-slumps/",
    "/sections/energy/",
    "/authors/ann-lee/",
    "/archive/",
    "/feeds/latest/",
    "/ticker.json",
]


@pytest.fixture
def scene():
    energy = make_section(name="Energy", slug="energy")
    ann = make_author(name="Ann Lee")
    story = make_article(headline="Oil falls", section=energy, authors=[ann], published_at=NOW - timedelta(hours=2))
    older = make_article(headline="Coal slumps", section=energy, authors=[ann], published_at=NOW - timedelta(hours=3))
    return story, older


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def choose_lead(story, older):
    make_lead(older)


def pin_older(story, older):
    pin(older)


def move_a_pin(story, older):
    placement = pin(older)
    placement.position = 3
    placement.save()


def remove_a_pin(story, older):
    Placement.objects.filter(pk=pin(older).pk).delete()


@pytest.mark.parametrize("change", [choose_lead, pin_older, move_a_pin, remove_a_pin], ids=lambda f: f.__name__)
def test_a_front_page_choice_makes_stale_the_home_page_alone(
    client, clock, scene, django_capture_on_commit_callbacks, renders, change
):
    for url in WATCHED:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        change(*scene)
    renders.clear()

    for url in WATCHED:
        assert client.get(url).status_code == 200

    assert renders == ["/"]


def test_a_new_lead_shows_on_the_cached_home_page_at_once(client, clock, scene, django_capture_on_commit_callbacks):
    assert '<a href="/articles/oil-falls/">Oil falls</a></h2>' in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        make_lead(scene[1])

    assert '<a href="/articles/coal-slumps/">Coal slumps</a></h2>' in client.get("/").text


def test_a_pin_shows_and_ends_at_its_times_without_any_save(client, clock, scene):
    pin(scene[1], starts_at=NOW + timedelta(minutes=1), hours=1)
    assert 'class="pinned"' not in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=1))
    assert 'class="pinned"' in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=61) - timedelta(seconds=1))
    assert 'class="pinned"' in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=61))
    assert 'class="pinned"' not in client.get("/").text


def test_a_chosen_lead_ends_at_its_time(client, clock, scene):
    make_lead(scene[1], starts_at=NOW - timedelta(hours=1), expires_at=NOW + timedelta(minutes=5))
    assert '<a href="/articles/coal-slumps/">Coal slumps</a></h2>' in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=5))
    assert '<a href="/articles/oil-falls/">Oil falls</a></h2>' in client.get("/").text


def test_next_due_is_the_next_start_or_end_of_a_placement(clock, scene):
    assert next_due() is None
    pin(scene[0], starts_at=NOW - timedelta(hours=1), hours=3)
    pin(scene[1], starts_at=NOW + timedelta(hours=1))

    assert next_due() == (NOW + timedelta(hours=1)).timestamp()
