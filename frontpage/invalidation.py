"""What a front page choice makes stale in the page cache (newsroom/cache.py): the home page,
which alone shows the tag ``frontpage``. A placement starting or ending is purged at its time by
``due()``, at the first request after it; its article being unpublished or expiring is purged by
the articles' own rules (articles/invalidation.py), as the home page lists it. A placed live
story the home page shows is refreshed by its own tag (``live:<pk>``, breaking/invalidation.py),
its coverage end coming too; one it does not show yet (a draft made live, a scheduled start)
purges the home page here. The live stories it lists of its own ("Live now") are breaking's
(``list:live-now``)."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from breaking.models import LiveStory
from newsroom import cache

from .models import Placement, in_window

TAG = "frontpage"


def placement_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge(TAG)


def live_story_changed(sender, instance, raw=False, **kwargs):
    """A live story placed on the home page now: the page shows it, or may from now on."""
    if not raw and Placement.objects.filter(in_window(timezone.now()), live_story=instance.pk).exists():
        cache.purge(TAG)


def due(since, until):
    """(tags, instant) for each placement that started or ended between ``since`` and ``until``,
    and each placed live story whose start came then."""
    started = Q(starts_at__gt=since, starts_at__lte=until)
    ended = Q(expires_at__gt=since, expires_at__lte=until)
    changes = []
    for placement in Placement.objects.filter(started | ended).values("starts_at", "expires_at"):
        ending = placement["expires_at"]
        instant = ending if ending is not None and since < ending <= until else placement["starts_at"]
        changes.append(({TAG}, instant))
    live_started = Placement.objects.filter(
        live_story__starts_at__gt=since,
        live_story__starts_at__lte=until,
        live_story__status=LiveStory.Status.LIVE,
    )
    for instant in live_started.values_list("live_story__starts_at", flat=True):
        changes.append(({TAG}, instant))
    return changes


def next_due():
    """The next instant at which a placement starts or ends, as a Unix time."""
    now = timezone.now()
    firsts = [
        Placement.objects.filter(starts_at__gt=now).order_by("starts_at").values_list("starts_at"),
        Placement.objects.filter(expires_at__gt=now).order_by("expires_at").values_list("expires_at"),
    ]
    instants = [instant for first in firsts if (instant := first.first()) is not None]
    return min((instant.timestamp() for (instant,) in instants), default=None)


def connect():
    post_save.connect(placement_changed, sender=Placement, dispatch_uid="pages-placement-saved")
    post_delete.connect(placement_changed, sender=Placement, dispatch_uid="pages-placement-deleted")
    post_save.connect(live_story_changed, sender=LiveStory, dispatch_uid="pages-placed-livestory-saved")
    cache.DUE.append(due)
    cache.NEXT_DUE.append(next_due)
