"""What breaking-news changes make stale in the page cache (newsroom/cache.py), named as tags:

- ``ticker``: the breaking-news bar, /ticker.json and the API's ticker;
- ``live:<pk>``: a live story's page (every page of it), its feeds and its poll endpoint, and
  every page that lists it as live with its latest update's time (the home page, its section's
  page, the ticker and the API's when an item links to it; breaking/cards.py);
- ``list:live``: the list of every public live story with its latest update's time (the sitemaps);
- ``list:live-now``: which live stories are in progress, and what a listing shows of them beyond
  the latest update's time (the home page's "Live now");
- ``list:section:<pk>``: a section's page, which lists its live stories in progress first.

Posting, editing or removing an update makes stale its story's ``live:<pk>`` and ``list:live``,
nothing else: the pages that show its latest update's time show ``live:<pk>``. A live story
appearing, going or changing what listings show of it also refreshes ``list:live-now``, the
ticker, which may link to it, and its section's page (the home page's lead and pins are
frontpage/invalidation.py's). A ticker item starting or ending, a scheduled live story starting,
a live story's coverage end coming and an update posted for a later time are purged by ``due()``
at the first request after they happen, and ``next_due()`` names the next of them, so that no
page showing a story as live is kept past its coverage end, here or at the edge.
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from newsroom import cache

from .models import LiveStory, LiveUpdate, Ticker, TickerItem

# What lists and the ticker show of a live story, and what decides whether it is public or in progress.
STORY_LISTED_FIELDS = ("headline", "slug", "summary", "section_id", "status", "starts_at", "ends_at")
LIVE_NOW = "list:live-now"


def ticker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge("ticker")


def remember_story(sender, instance, raw=False, **kwargs):
    stored = None if raw or instance._state.adding else LiveStory.objects.filter(pk=instance.pk)
    instance._stored = stored.values(*STORY_LISTED_FIELDS).first() if stored is not None else None


def story_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    tags = {f"live:{instance.pk}"}
    stored = getattr(instance, "_stored", None)
    if stored is None or any(stored[name] != getattr(instance, name) for name in STORY_LISTED_FIELDS):
        tags |= {"list:live", LIVE_NOW, "ticker", *section_tags(instance.section_id, (stored or {}).get("section_id"))}
    cache.purge(*tags)


def story_deleted(sender, instance, **kwargs):
    cache.purge(f"live:{instance.pk}", "list:live", LIVE_NOW, "ticker", *section_tags(instance.section_id))


def section_tags(*sections):
    """The pages of ``sections`` (ids, or None), which list their live stories in progress."""
    return {f"list:section:{pk}" for pk in sections if pk is not None}


def story_authors_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        cache.purge(f"live:{instance.pk}")


def update_changed(sender, instance, raw=False, **kwargs):
    """Only the update's own story and the lists that show its latest update's time."""
    if not raw:
        cache.purge(f"live:{instance.story_id}", "list:live")


def update_authors_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        cache.purge(f"live:{instance.story_id}")


def due(since, until):
    """(tags, instant) for what time alone changed between ``since`` and ``until``: ticker items
    that started or ended, live stories that started or whose coverage end came, updates whose
    time came."""
    started = Q(starts_at__gt=since, starts_at__lte=until)
    expired = Q(expires_at__gt=since, expires_at__lte=until)
    changes = []
    for item in TickerItem.objects.filter(started | expired).values("starts_at", "expires_at"):
        instant = item["expires_at"] if since < (item["expires_at"] or since) <= until else item["starts_at"]
        changes.append(({"ticker"}, instant))
    public = LiveStory.objects.filter(status__in=LiveStory.PUBLIC_STATUSES)
    for pk, section, instant in public.filter(started).values_list("pk", "section", "starts_at"):
        changes.append(({f"live:{pk}", "list:live", LIVE_NOW, "ticker", *section_tags(section)}, instant))
    ended = LiveStory.objects.filter(status=LiveStory.Status.LIVE, ends_at__gt=since, ends_at__lte=until)
    for pk, section, instant in ended.values_list("pk", "section", "ends_at"):
        changes.append(({f"live:{pk}", "list:live", LIVE_NOW, "ticker", *section_tags(section)}, instant))
    posted = LiveUpdate.objects.filter(posted_at__gt=since, posted_at__lte=until, story__in=public)
    for story, instant in posted.values_list("story", "posted_at"):
        changes.append(({f"live:{story}", "list:live"}, instant))
    return changes


def next_due():
    """The next instant a ticker item starts or ends, a live story starts or its coverage ends,
    or an update's time comes, as a Unix time."""
    now = timezone.now()
    public = LiveStory.objects.filter(status__in=LiveStory.PUBLIC_STATUSES)
    firsts = [
        TickerItem.objects.filter(starts_at__gt=now).order_by("starts_at").values_list("starts_at"),
        TickerItem.objects.filter(expires_at__gt=now).order_by("expires_at").values_list("expires_at"),
        public.filter(starts_at__gt=now).order_by("starts_at").values_list("starts_at"),
        LiveStory.objects.filter(status=LiveStory.Status.LIVE, ends_at__gt=now)
        .order_by("ends_at")
        .values_list("ends_at"),
        LiveUpdate.objects.filter(posted_at__gt=now).order_by("posted_at").values_list("posted_at"),
    ]
    instants = [instant for first in firsts if (instant := first.first()) is not None]
    return min((instant.timestamp() for (instant,) in instants), default=None)


def connect():
    for model in (Ticker, TickerItem):
        post_save.connect(ticker_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-saved")
        post_delete.connect(ticker_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-deleted")
    pre_save.connect(remember_story, sender=LiveStory, dispatch_uid="pages-livestory-before")
    post_save.connect(story_changed, sender=LiveStory, dispatch_uid="pages-livestory-saved")
    post_delete.connect(story_deleted, sender=LiveStory, dispatch_uid="pages-livestory-deleted")
    m2m_changed.connect(story_authors_changed, sender=LiveStory.authors.through, dispatch_uid="pages-livestory-authors")
    post_save.connect(update_changed, sender=LiveUpdate, dispatch_uid="pages-liveupdate-saved")
    post_delete.connect(update_changed, sender=LiveUpdate, dispatch_uid="pages-liveupdate-deleted")
    m2m_changed.connect(
        update_authors_changed, sender=LiveUpdate.authors.through, dispatch_uid="pages-liveupdate-authors"
    )
    cache.DUE.append(due)
    cache.NEXT_DUE.append(next_due)
