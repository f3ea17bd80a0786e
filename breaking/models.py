"""Breaking news: the tickers and their items."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from articles.models import public_at


class Ticker(models.Model):
    name = models.CharField(max_length=100, help_text="For example “Breaking News”.")
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TickerItemQuerySet(models.QuerySet):
    def live(self, at=None):
        """What readers see at ``at`` (now by default), most important first. Items start and
        expire on their own; an item linking to an article that is not public is not shown."""
        at = at or timezone.now()
        return (
            self.filter(starts_at__lte=at)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
            .filter(Q(article__isnull=True) | public_at(at, through="article__"))
            .order_by("-priority", "-starts_at", "-pk")
        )


class TickerItem(models.Model):
    class Priority(models.IntegerChoices):
        NORMAL = 0, "Normal"
        HIGH = 10, "High"
        URGENT = 20, "Urgent"

    ticker = models.ForeignKey(Ticker, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=280)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticker_items",
        help_text="Link to one of our articles…",
    )
    url = models.URLField("external link", max_length=500, blank=True, help_text="…or to another page.")
    priority = models.SmallIntegerField(choices=Priority, default=Priority.NORMAL)
    starts_at = models.DateTimeField("start time", default=timezone.now)
    expires_at = models.DateTimeField("expiry time", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TickerItemQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["starts_at", "expires_at"], name="tickeritem_window"),
            # The next item to end, which the page cache asks for (breaking/invalidation.py).
            models.Index(fields=["expires_at"], condition=Q(expires_at__isnull=False), name="tickeritem_expires"),
            models.Index(fields=["-priority", "-starts_at", "-id"], name="tickeritem_running_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("starts_at")),
                name="tickeritem_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=True) | Q(url=""),
                name="tickeritem_one_link",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.article_id and self.url:
            raise ValidationError("Link to an article or to an external page, not both.")
        if self.expires_at and self.starts_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "The expiry time must be after the start time."})

    def get_link(self):
        return self.article.get_absolute_url() if self.article_id else self.url

    def is_live(self, at=None):
        """The same rule as ``TickerItem.objects.live()``, for one item already loaded."""
        at = at or timezone.now()
        return self.in_window(at) and (self.article_id is None or self.article.is_public(at))

    def in_window(self, at=None):
        """Started and not yet expired at ``at`` (now by default), whatever its article's state."""
        at = at or timezone.now()
        return self.starts_at <= at and (self.expires_at is None or self.expires_at > at)
