"""Small helpers that make front page placements; override what a test cares about."""

from datetime import timedelta

from django.utils import timezone

from breaking.models import LiveStory
from frontpage.models import Placement


def target(story):
    """The placement's field for ``story``: an article or a live story."""
    return {"live_story": story} if isinstance(story, LiveStory) else {"article": story}


def pin(story, *, position=0, hours=6, **fields):
    """Pin ``story`` (an article or a live story) to the home page from now for ``hours``."""
    fields.setdefault("starts_at", timezone.now() - timedelta(minutes=1))
    fields.setdefault("expires_at", fields["starts_at"] + timedelta(hours=hours))
    return Placement.objects.create(place=Placement.Place.PINNED, position=position, **target(story), **fields)


def make_lead(story, **fields):
    """Make ``story`` (an article or a live story) the lead story from now until replaced."""
    fields.setdefault("starts_at", timezone.now() - timedelta(minutes=1))
    return Placement.objects.create(place=Placement.Place.LEAD, **target(story), **fields)
