"""Sending webhook events (api/events.py) to their subscriptions, in the background.

An event becomes one delivery per subscription that wants it (``dispatch``), each POSTed by a
task (``deliver``) and signed as Standard Webhooks specifies: ``webhook-id`` (the delivery's, the
same on every attempt, for receivers to de-duplicate by), ``webhook-timestamp`` and
``webhook-signature``, ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body`` under the
subscription's secret. The body is ``{"type", "timestamp", "data"}``, ``data`` being the API's
representation of the article or ticker item when the event was dispatched.

A 2xx answer delivers it. Anything else (another status, a refused connection, no answer within
WEBHOOK_TIMEOUT_SECONDS) is tried again after an exponential backoff with jitter, until
WEBHOOK_RETRY_HOURS have passed; then the delivery fails and its subscription is marked failing.

At least once: a delivery is claimed for one attempt by a conditional update, and a worker killed
during the attempt leaves it claimed only until the claim lapses; ``recover`` (run by every
worker, api/management/commands/worker.py) queues again what is due and unclaimed, and events
never dispatched. Sending twice is possible (killed after the receiver answered); the webhook-id
lets receivers drop the second.
"""

import base64
import hashlib
import hmac
import json
import logging
import random
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import WebhookDelivery, WebhookEvent, WebhookSubscription
from .representations import article_data, live_ticker_items, public_articles, ticker_item_data

logger = logging.getLogger(__name__)

BACKOFF_FACTOR = 4
MAX_BACKOFF_SECONDS = 6 * 3600


def sign(secret, message_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def payload_data(event):
    """The API's representation of the event's object now; only its id if it is not public."""
    if event.object_type == "article":
        article = public_articles().filter(pk=event.object_id).first()
        return article_data(article) if article else {"id": event.object_id}
    item = live_ticker_items().filter(pk=event.object_id).first()
    return ticker_item_data(item) if item else {"id": event.object_id}


def body_of(event):
    message = {"type": event.type, "timestamp": event.occurred_at, "data": event.payload}
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def dispatch(event_pk):
    """Make the event's deliveries, once, and queue them."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(pk=event_pk, dispatched_at__isnull=True).first()
        if event is None:
            return
        event.payload = json.loads(json.dumps(payload_data(event), cls=DjangoJSONEncoder))
        event.dispatched_at = timezone.now()
        event.save(update_fields=["payload", "dispatched_at"])
        subscriptions = [s for s in WebhookSubscription.objects.filter(active=True) if s.wants(event.type)]
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, subscription=subscription) for subscription in subscriptions],
            ignore_conflicts=True,
        )
    for pk in WebhookDelivery.objects.filter(event=event_pk).values_list("pk", flat=True):
        _queue(pk)


def _queue(delivery_pk, at=None):
    from .tasks import deliver as deliver_task

    (deliver_task.using(run_after=at) if at else deliver_task).enqueue(str(delivery_pk))


def backoff(attempts):
    """Seconds before the next attempt after ``attempts`` failed ones: exponential, with jitter
    (between half and all of it) so that receivers coming back are not hit all at once."""
    delay = min(settings.WEBHOOK_FIRST_RETRY_SECONDS * BACKOFF_FACTOR ** (attempts - 1), MAX_BACKOFF_SECONDS)
    return delay * random.uniform(0.5, 1.0)


def claim(delivery_pk, now):
    """Hold the delivery for one attempt; False if it is not due, done, or held by another."""
    lease = now + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 5)
    return bool(
        WebhookDelivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk=delivery_pk,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
        ).update(claimed_until=lease, attempts=F("attempts") + 1, last_attempt_at=now)
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer that is not a 2xx, and is retried


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery):
    """POST the delivery once: (status code or None, error text)."""
    body = body_of(delivery.event)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.SITE_NAME} webhooks",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": sign(delivery.subscription.secret, delivery.message_id, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # refused, timed out, unreachable, a malformed URL
        return None, str(error) or type(error).__name__


def deliver(delivery_pk):
    now = timezone.now()
    if not claim(delivery_pk, now):
        return
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_pk)
    code, error = post(delivery)
    now = timezone.now()
    delivery.response_code, delivery.last_error, delivery.claimed_until = code, error, None
    subscription = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, now
        subscription.filter(failing_since__isnull=False).update(failing_since=None)
    elif now >= delivery.give_up_at:
        delivery.status = WebhookDelivery.Status.FAILED
        subscription.filter(failing_since__isnull=True).update(failing_since=now)
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts))
    delivery.save(
        update_fields=["status", "delivered_at", "next_attempt_at", "response_code", "last_error", "claimed_until"]
    )
    if delivery.status == WebhookDelivery.Status.PENDING:
        _queue(delivery.pk, delivery.next_attempt_at)


def redeliver(deliveries):
    """Send again (from the admin): pending now, with another day of retries."""
    now = timezone.now()
    pks = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=pks).update(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at=now,
        give_up_at=now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS),
        claimed_until=None,
        delivered_at=None,
    )
    for pk in pks:
        transaction.on_commit(lambda pk=pk: _queue(pk))
    return len(pks)


def recover():
    """Queue again what a killed worker or process left: events never dispatched, and due
    deliveries nobody holds. Queueing one twice is harmless: only one attempt claims it."""
    from .tasks import dispatch_event

    now = timezone.now()
    # What is this late was lost (its process died between the commit and the queueing), or
    # waits behind a long queue, where queueing it again costs one look.
    late = now - timedelta(seconds=settings.WEBHOOK_SWEEP_SECONDS)
    for pk in WebhookEvent.objects.filter(dispatched_at__isnull=True, occurred_at__lt=late).values_list(
        "pk", flat=True
    ):
        dispatch_event.enqueue(pk)
    due = WebhookDelivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lt=late,
    )
    for pk in due.values_list("pk", flat=True):
        _queue(pk)
