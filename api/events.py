"""Which changes are webhook events, found from the saves themselves, whichever path made them.

- ``article.published`` / ``article.unpublished``: an article became public or stopped being
  public, by a save, a deletion, or by time (a scheduled publication or an expiry, checked by a
  task queued for that instant);
- ``article.updated``: a public article changed what the API shows of it (its fields or its
  bylines). Saving a draft of changes saves no article, so it is no event;
- ``article.corrected``: a correction was added to a public article;
- ``ticker_item.live`` / ``ticker_item.ended``: an item started or stopped showing.

The importer writes in bulk and sends no signals: it calls ``record_import`` for what it wrote.

Each event is a row written in the transaction of the change, so it exists exactly when the
change committed; after the commit a task turns it into deliveries (api/webhooks.py). One
transaction makes at most one event of a kind per object (an admin save writes the article and
then each byline). Nothing is written while no active subscription wants the event.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from articles import editing
from articles.models import Article, ArticleAuthor, Correction
from breaking.models import TickerItem

from .models import Event, WebhookEvent, WebhookSubscription

# What the API shows of an article itself (api/representations.py): the article's own fields as
# an editor writes them (articles/editing.py), as columns; bylines and corrections have signals
# of their own.
SHOWN_FIELDS = tuple(Article._meta.get_field(name).attname for name in editing.FIELDS)
STATE_EVENTS = {"article": (Event.ARTICLE_PUBLISHED, Event.ARTICLE_UNPUBLISHED)}
STATE_EVENTS["ticker_item"] = (Event.TICKER_ITEM_LIVE, Event.TICKER_ITEM_ENDED)

_local = threading.local()


def wanted(event_type):
    return any(
        event_type in events
        for events in WebhookSubscription.objects.filter(active=True).values_list("events", flat=True)
    )


def _transaction_events():
    """The events already made in the current transaction (not the test suite's wrapper)."""
    connection = transaction.get_connection()
    block = next((block for block in connection.atomic_blocks if not getattr(block, "_from_testcase", False)), None)
    if block is None:
        return set()
    seen = getattr(_local, "seen", None)
    if seen is None or seen[0] is not block:
        _local.seen = seen = (block, set())
    return seen[1]


def _first_in_transaction(made, event_type, object_type, object_id):
    """Whether the event is not yet made in this transaction (remembering it as made)."""
    if (event_type, object_type, object_id) in made:
        return False
    if event_type == Event.ARTICLE_UPDATED and (Event.ARTICLE_PUBLISHED, object_type, object_id) in made:
        return False  # the published event carries the article as it is
    made.add((event_type, object_type, object_id))
    return True


def emit(event_type, object_type, object_id):
    if not wanted(event_type) or not _first_in_transaction(_transaction_events(), event_type, object_type, object_id):
        return None
    event = WebhookEvent.objects.create(type=event_type, object_type=object_type, object_id=object_id)
    transaction.on_commit(lambda: _dispatch_later(event.pk))
    return event


def record_import(*, created, updated, ticker_items=()):
    """The events of articles and ticker items an import wrote in bulk, which sends no signals:
    ``created`` articles that are public now were published, public ``updated`` ones were
    updated, new ``ticker_items`` live now went live (and are asked about again when they end).
    An import never changes an existing article's status or times, so an updated article public
    now was public before. Called inside the import's transaction; an event the signals already
    made in it (an update through ``save()``) is not made twice. Returns the events made."""
    from . import tasks

    now = timezone.now()
    # One task for the items that end at the same moment (an import's usually all do).
    ending = {}
    for item in ticker_items:
        if item.expires_at is not None and item.expires_at > now:
            ending.setdefault(item.expires_at, []).append(item.pk)
    checks = [(tasks.check_states.using(run_after=moment), ("ticker_item", pks)) for moment, pks in ending.items()]
    subscribed = WebhookSubscription.objects.filter(active=True).values_list("events", flat=True)
    wanted_types = {event_type for events in subscribed for event_type in events}
    events = []
    if Event.TICKER_ITEM_LIVE in wanted_types and ticker_items:
        live = TickerItem.objects.live().filter(pk__in=[item.pk for item in ticker_items]).values_list("pk", flat=True)
        events += [WebhookEvent(type=Event.TICKER_ITEM_LIVE, object_type="ticker_item", object_id=pk) for pk in live]
    if wanted_types & {Event.ARTICLE_PUBLISHED, Event.ARTICLE_UPDATED} and (created or updated):
        events += _article_import_events(wanted_types, created, updated)
    WebhookEvent.objects.bulk_create(events)
    _enqueue_on_commit(checks + [(tasks.dispatch_event, (event.pk,)) for event in events])
    return events


def _enqueue_on_commit(tasks):
    """Enqueue ``tasks`` ((task, args) pairs) once the transaction commits, all in one
    transaction: the database backend then commits once for an import's thousands of tasks
    rather than once for each."""

    def enqueue():
        with transaction.atomic():
            for task, args in tasks:
                task.enqueue(*args)

    if tasks:
        transaction.on_commit(enqueue)


def _article_import_events(wanted_types, created, updated):
    public = set(
        Article.objects.published()
        .filter(pk__in=[article.pk for article in [*created, *updated]])
        .values_list("pk", flat=True)
    )
    made = _transaction_events()
    return [
        WebhookEvent(type=event_type, object_type="article", object_id=article.pk)
        for event_type, articles in ((Event.ARTICLE_PUBLISHED, created), (Event.ARTICLE_UPDATED, updated))
        if event_type in wanted_types
        for article in articles
        if article.pk in public and _first_in_transaction(made, event_type, "article", article.pk)
    ]


def _dispatch_later(event_pk):
    from .tasks import dispatch_event

    dispatch_event.enqueue(event_pk)


def _check_at(object_type, pk, moment):
    """Ask again at ``moment`` whether the object's public state changed (time alone does it)."""
    from .tasks import check_state

    if moment is not None and moment > timezone.now():
        transaction.on_commit(lambda: check_state.using(run_after=moment).enqueue(object_type, pk))


def last_state_event(object_type, pk):
    """The newest published/unpublished (live/ended) event of the object, or None."""
    return (
        WebhookEvent.objects.filter(object_type=object_type, object_id=pk, type__in=STATE_EVENTS[object_type])
        .order_by("-occurred_at", "-pk")
        .values_list("type", flat=True)
        .first()
    )


def check_state(object_type, pk):
    """Make the event that time made due, if no event said so yet: a scheduled article or ticker
    item that is now public, or one that expired."""
    went_live, went_away = STATE_EVENTS[object_type]
    if object_type == "article":
        public = Article.objects.published().filter(pk=pk).exists()
    else:
        public = TickerItem.objects.live().filter(pk=pk).exists()
    last = last_state_event(object_type, pk)
    if public and last != went_live:
        emit(went_live, object_type, pk)
    elif not public and last == went_live:
        emit(went_away, object_type, pk)


def check_states(object_type, pks):
    """``check_state`` for each of ``pks``: what an import asks once for its ticker items that
    end at the same moment, rather than in one task each."""
    for pk in pks:
        check_state(object_type, pk)


def _article_values(pk):
    return Article.objects.filter(pk=pk).values(*SHOWN_FIELDS).first()


def remember_article(sender, instance, raw=False, **kwargs):
    instance._webhook_before = None
    if raw or instance._state.adding or not WebhookSubscription.objects.filter(active=True).exists():
        return
    instance._webhook_before = _article_values(instance.pk)


def _was_public(values, at):
    return (
        values is not None
        and values["status"] == Article.Status.PUBLISHED
        and values["published_at"] is not None
        and values["published_at"] <= at
        and (values["expires_at"] is None or values["expires_at"] > at)
    )


def article_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    now = timezone.now()
    before = getattr(instance, "_webhook_before", None)
    was, now_public = _was_public(before, now), instance.is_public(now)
    if now_public and not was:
        emit(Event.ARTICLE_PUBLISHED, "article", instance.pk)
    elif was and not now_public:
        emit(Event.ARTICLE_UNPUBLISHED, "article", instance.pk)
    elif was and now_public:
        after = _article_values(instance.pk) if before is not None else None
        if after != before:
            emit(Event.ARTICLE_UPDATED, "article", instance.pk)
    if instance.status == Article.Status.PUBLISHED:
        _check_at("article", instance.pk, instance.published_at)
        _check_at("article", instance.pk, instance.expires_at)


def article_deleted(sender, instance, **kwargs):
    if instance.is_public():
        emit(Event.ARTICLE_UNPUBLISHED, "article", instance.pk)


def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw and Article.objects.published().filter(pk=instance.article_id).exists():
        emit(Event.ARTICLE_UPDATED, "article", instance.article_id)


def correction_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not Article.objects.published().filter(pk=instance.article_id).exists():
        return
    emit(Event.ARTICLE_CORRECTED if created else Event.ARTICLE_UPDATED, "article", instance.article_id)


def remember_ticker_item(sender, instance, raw=False, **kwargs):
    instance._webhook_was_live = (
        not raw and not instance._state.adding and TickerItem.objects.live().filter(pk=instance.pk).exists()
    )


def ticker_item_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    was = getattr(instance, "_webhook_was_live", False)
    live = TickerItem.objects.live().filter(pk=instance.pk).exists()
    if live and not was:
        emit(Event.TICKER_ITEM_LIVE, "ticker_item", instance.pk)
    elif was and not live:
        emit(Event.TICKER_ITEM_ENDED, "ticker_item", instance.pk)
    _check_at("ticker_item", instance.pk, instance.starts_at)
    _check_at("ticker_item", instance.pk, instance.expires_at)


def ticker_item_deleted(sender, instance, **kwargs):
    if instance.is_live():
        emit(Event.TICKER_ITEM_ENDED, "ticker_item", instance.pk)


def connect():
    pre_save.connect(remember_article, sender=Article, dispatch_uid="webhooks-article-before")
    post_save.connect(article_saved, sender=Article, dispatch_uid="webhooks-article-saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="webhooks-article-deleted")
    post_save.connect(byline_changed, sender=ArticleAuthor, dispatch_uid="webhooks-byline-saved")
    post_delete.connect(byline_changed, sender=ArticleAuthor, dispatch_uid="webhooks-byline-deleted")
    post_save.connect(correction_saved, sender=Correction, dispatch_uid="webhooks-correction-saved")
    pre_save.connect(remember_ticker_item, sender=TickerItem, dispatch_uid="webhooks-ticker-item-before")
    post_save.connect(ticker_item_saved, sender=TickerItem, dispatch_uid="webhooks-ticker-item-saved")
    post_delete.connect(ticker_item_deleted, sender=TickerItem, dispatch_uid="webhooks-ticker-item-deleted")
