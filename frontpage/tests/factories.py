"""Small helpers that make front page placements; override what a test cares about."""

from datetime import timedelta

from django.utils import timezone

from frontpage.models import Placement


def pin(article, *, position=0, hours=6, **fields):
    """Pin ``article`` to the home page from now for ``hours``."""
    fields.setdefault("starts_at", timezone.now() - timedelta(minutes=1))
    fields.setdefault("expires_at", fields["starts_at"] + timedelta(hours=hours))
    return Placement.objects.create(place=Placement.Place.PINNED, article=article, position=position, **fields)


def make_lead(article, **fields):
    """Make ``article`` the lead story from now until replaced."""
    fields.setdefault("starts_at", timezone.now() - timedelta(minutes=1))
    return Placement.objects.create(place=Placement.Place.LEAD, article=article, **fields)
