import base64
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import user_link


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key that lifts the API's rate limit. Only its SHA-256 digest is kept: the key itself
    is shown once, when it is made (api/keys.py)."""

    name = models.CharField(max_length=200, help_text="Who uses the key, e.g. “Mobile app” or “Partner: Daily Planet”.")
    prefix = models.CharField(max_length=16, editable=False, help_text="The key's first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = user_link(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class Event(models.TextChoices):
    ARTICLE_PUBLISHED = "article.published", "Article published"
    ARTICLE_UPDATED = "article.updated", "Live article updated"
    ARTICLE_UNPUBLISHED = "article.unpublished", "Article unpublished"
    ARTICLE_CORRECTED = "article.corrected", "Article corrected"
    TICKER_ITEM_LIVE = "ticker_item.live", "Ticker item live"
    TICKER_ITEM_ENDED = "ticker_item.ended", "Ticker item ended"


def new_secret():
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSubscription(models.Model):
    url = models.URLField("URL", max_length=500, help_text="Where each event is POSTed.")
    events = models.JSONField(default=list, help_text="The events sent to this URL.")
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Give this to the receiver: it verifies each delivery's signature with it.",
    )
    active = models.BooleanField(default=True, help_text="Switch off to stop sending events here.")
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="A delivery failed for a day; cleared by the next success."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = "webhook subscription"

    def __str__(self):
        return self.url

    def wants(self, event):
        return self.active and event in self.events


class WebhookEvent(models.Model):
    """Something that happened, written in the same transaction as the change: the worker turns
    it into one delivery per subscription (api/webhooks.py)."""

    type = models.CharField(max_length=40, choices=Event)
    object_type = models.CharField(max_length=20)  # "article" or "ticker_item"
    object_id = models.BigIntegerField()
    occurred_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="webhookevent_object"),
            models.Index(fields=["occurred_at"], condition=Q(dispatched_at__isnull=True), name="webhookevent_waiting"),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {self.object_type} {self.object_id}"


def retry_deadline():
    return timezone.now() + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    # The webhook-id receivers de-duplicate by: the same for every attempt of this delivery.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    give_up_at = models.DateTimeField(default=retry_deadline)
    # A worker sending it now holds it until then; a worker killed meanwhile lets it go.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="webhookdelivery_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhookdelivery_due"),
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription}"

    @property
    def message_id(self):
        return f"msg_{self.id.hex}"
