"""Breaking news: the tickers and their items, and live coverage (a live story and its updates)."""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField

from articles.html import EDITOR_EXTENSIONS, has_text, sanitize_html
from articles.models import public_at, user_link
from newsroom.images import UploadedImageField, image_size, validate_image
from newsroom.planner import Unindexed
from newsroom.slugs import slug_url, unique_slug


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
        expire on their own; an item linking to an article or a live page that is not public is not
        shown."""
        at = at or timezone.now()
        return (
            # Through the running order, not the start times' index: that would read every item
            # that ever started (thousands, after an import) to sort them and keep the first ten.
            self.filter(LessThanOrEqual(Unindexed("starts_at"), at))
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
            .filter(Q(article__isnull=True) | public_at(at, through="article__"))
            .filter(Q(live_story__isnull=True) | public_live_story(at, through="live_story__"))
            .order_by("-priority", "-starts_at", "-pk")
        )

    def with_live_state(self, at=None):
        """Each item with what it shows of the live story it links to at ``at`` (now by default):
        ``shows_live``, whether that story is in progress (the item then shows a "LIVE" label),
        and ``live_latest_update_at``, its newest update's time (None before the first)."""
        at = at or timezone.now()
        return self.annotate(
            shows_live=ExpressionWrapper(live_story_in_progress(at, through="live_story__"), BooleanField()),
            live_latest_update_at=latest_update_at(at, through="live_story__"),
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
    live_story = models.ForeignKey(
        "LiveStory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticker_items",
        help_text="…or to one of our live pages…",
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
            models.CheckConstraint(
                condition=Q(live_story__isnull=True) | (Q(article__isnull=True) & Q(url="")),
                name="tickeritem_live_story_only_link",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if sum(map(bool, (self.article_id, self.live_story_id, self.url))) > 1:
            raise ValidationError("Link to an article, a live page or an external page: one of them, not several.")
        if self.expires_at and self.starts_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "The expiry time must be after the start time."})

    def get_link(self):
        if self.article_id:
            return self.article.get_absolute_url()
        if self.live_story_id:
            return self.live_story.get_absolute_url()
        return self.url

    def is_live(self, at=None):
        """The same rule as ``TickerItem.objects.live()``, for one item already loaded."""
        at = at or timezone.now()
        return (
            self.in_window(at)
            and (self.article_id is None or self.article.is_public(at))
            and (self.live_story_id is None or self.live_story.is_public(at))
        )

    def in_window(self, at=None):
        """Started and not yet expired at ``at`` (now by default), whatever its article's state."""
        at = at or timezone.now()
        return self.starts_at <= at and (self.expires_at is None or self.expires_at > at)


class LiveStoryQuerySet(models.QuerySet):
    def published(self, at=None):
        """What the public may see at ``at`` (now by default): live or ended coverage whose start
        time has come. Drafts appear nowhere; a start in the future is a scheduled story."""
        return self.filter(public_live_story(at or timezone.now()))

    def in_progress(self, at=None):
        """The public stories still being covered at ``at``: live, and their coverage end (if
        set) still to come. These show as live (a "LIVE" label and the latest update's time)
        wherever they are listed; at a coverage end they stop, with no job to run."""
        return self.filter(live_story_in_progress(at or timezone.now()))

    def with_latest_update(self, at=None):
        """Each story with ``latest_update_at``, the time of its newest update readers see at ``at``
        (None before the first)."""
        return self.annotate(latest_update_at=latest_update_at(at or timezone.now()))


def public_live_story(at, through=""):
    """The condition for a live story to be public at ``at``, as a Q object; ``through`` is the
    lookup path from another model (``"story__"``), so a join can use the same rule."""
    return Q(**{f"{through}status__in": LiveStory.PUBLIC_STATUSES, f"{through}starts_at__lte": at})


def live_story_in_progress(at, through=""):
    """``public_live_story()`` narrowed to the stories still live at ``at``, as a Q object: not
    ended, and their coverage end, if set, still to come."""
    return (
        public_live_story(at, through)
        & Q(**{f"{through}status": LiveStory.Status.LIVE})
        & (Q(**{f"{through}ends_at__isnull": True}) | Q(**{f"{through}ends_at__gt": at}))
    )


def latest_update_at(at, through=""):
    """The time of the newest update of a story readers see at ``at``, as a subquery on the
    story's id (``through`` the path to it from the rows annotated, ``"live_story__"``). It reads
    the stream's index; its story's being public is the outer query's to decide."""
    updates = LiveUpdate.objects.filter(
        story=OuterRef(f"{through}pk"), posted_at__lte=at, deleted_at__isnull=True
    ).order_by("-posted_at", "-pk")
    return Subquery(updates.values("posted_at")[:1])


class LiveStory(models.Model):
    """Coverage of a story as it develops: short updates, newest first, on one page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"

    PUBLIC_STATUSES = (Status.LIVE, Status.ENDED)

    headline = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True, blank=True, help_text="The live page's address.")
    summary = models.TextField(blank=True, help_text="One or two sentences under the headline and in listings.")
    section = models.ForeignKey(
        "articles.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="live_stories"
    )
    authors = models.ManyToManyField("authors.Author", related_name="live_stories", blank=True)
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Live: readers see the page and updates can be posted. Ended: the page stays up, closed.",
    )
    starts_at = models.DateTimeField(
        "coverage start", default=timezone.now, help_text="A time in the future keeps the page hidden until then."
    )
    ends_at = models.DateTimeField(
        "coverage end",
        null=True,
        blank=True,
        help_text="Set when the story is ended. A time in the future ends the coverage then: the story stops "
        "showing as live and takes no more updates.",
    )
    last_posted_at = models.DateTimeField("latest update", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = LiveStoryQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name_plural = "live stories"
        indexes = [
            models.Index(fields=["status", "-starts_at", "-id"], name="livestory_status_start"),
            # The next coverage end of a live story, which the page cache asks for (breaking/invalidation.py).
            models.Index(fields=["ends_at"], condition=Q(ends_at__isnull=False), name="livestory_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="livestory_ends_after_start",
                violation_error_message="The coverage end must be after its start.",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ends_at__isnull=False),
                name="livestory_ended_has_end",
                violation_error_message="An ended story needs a coverage end.",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.headline, fallback="live")
        if self.status == self.Status.ENDED and self.ends_at is None:
            self.ends_at = max(timezone.now(), self.starts_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("breaking:live", self.slug)

    def clean(self):
        if self.status == self.Status.ENDED and self.ends_at is None and self.starts_at:
            self.ends_at = max(timezone.now(), self.starts_at)
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "The coverage end must be after its start."})

    def is_public(self, at=None):
        """The same rule as ``LiveStory.objects.published()``, for one story already loaded."""
        return self.status in self.PUBLIC_STATUSES and self.starts_at <= (at or timezone.now())

    def is_in_progress(self, at=None):
        """The same rule as ``LiveStory.objects.in_progress()``, for one story already loaded."""
        at = at or timezone.now()
        return self.status == self.Status.LIVE and self.is_public(at) and not self.coverage_over(at)

    def coverage_over(self, at=None):
        """Whether the coverage end, if set, has come at ``at`` (now by default)."""
        return self.ends_at is not None and self.ends_at <= (at or timezone.now())

    def changed_at(self):
        """When what a listing shows of the story last changed: an edit, its start or an update
        (``latest_update_at`` where the query annotated it)."""
        latest = getattr(self, "latest_update_at", None) or self.last_posted_at
        return max(moment for moment in (self.updated_at, self.starts_at, latest) if moment is not None)

    def accepts_updates(self, at=None):
        """Updates are posted while the story is a draft (to open with) or live, not once ended:
        by its status, or by its coverage end having come."""
        return self.status != self.Status.ENDED and not self.coverage_over(at)


class LiveUpdateQuerySet(models.QuerySet):
    def published(self, at=None):
        """The updates readers see at ``at``: posted, of a public story, not removed."""
        at = at or timezone.now()
        return self.filter(public_live_story(at, through="story__"), posted_at__lte=at, deleted_at__isnull=True)

    def shown(self, at=None):
        """What a reader's page shows at ``at``: the published updates and, in their place, a
        note for those removed since they were posted."""
        at = at or timezone.now()
        return self.filter(public_live_story(at, through="story__"), posted_at__lte=at)


class LiveUpdate(models.Model):
    """One timestamped entry in a live story. Removing it keeps the row (``deleted_at``): readers
    who saw it see that it was removed."""

    story = models.ForeignKey(LiveStory, on_delete=models.CASCADE, related_name="updates")
    posted_at = models.DateTimeField("time", default=timezone.now)
    title = models.CharField(max_length=200, blank=True, help_text="Optional: a few words in bold above the text.")
    body = ProseEditorField(blank=True, extensions=EDITOR_EXTENSIONS, sanitize=sanitize_html)
    image = UploadedImageField(upload_to="live/%Y/%m/", blank=True, validators=[validate_image])
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required whenever there is an image.",
    )
    authors = models.ManyToManyField("authors.Author", related_name="live_updates", blank=True)
    pinned = models.BooleanField(default=False, help_text="Shown above the stream until unpinned.")
    key_event = models.BooleanField(default=False, help_text="Listed among the key events at the top of the page.")
    posted_by = user_link(editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    edited_by = user_link(editable=False)
    deleted_at = models.DateTimeField("removed at", null=True, blank=True, editable=False)
    deleted_by = user_link(editable=False)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        indexes = [
            # A story's stream newest first, and what changed in it lately (the poll endpoint).
            models.Index(fields=["story", "-posted_at", "-id"], name="liveupdate_stream"),
            # The next update posted for a later time, which the page cache asks for.
            models.Index(fields=["posted_at"], name="liveupdate_posted"),
            # The media view's lookup of the update an image belongs to (newsroom/media.py).
            models.Index(fields=["image"], name="liveupdate_image"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="liveupdate_image_has_alt_text",
                violation_error_message="Describe the image for readers who cannot see it.",
            ),
        ]

    def __str__(self):
        return self.title or Truncator(strip_tags(self.body)).words(12) or f"Update {self.pk}"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if not self.image:
            self.image_width = self.image_height = None
        elif self.image_width is None or not self.image._committed:
            self.image_width, self.image_height = image_size(self.image)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#{self.anchor}"

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image for readers who cannot see it."})
        if not self.title.strip() and not has_text(self.body) and not self.image:
            raise ValidationError({"body": "Write the update (or give it a title or an image)."})

    @property
    def anchor(self):
        return f"update-{self.pk}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None


# Every save of an update keeps a revision: what was posted, and each edit and removal after it.
reversion.register(LiveUpdate, exclude=["image_width", "image_height"])
reversion.register(LiveStory)
