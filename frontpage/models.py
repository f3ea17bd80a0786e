"""What editors choose for the home page: its lead story, and stories pinned in order for a set
time. Without a choice the newest public story leads, as it always has.

A placement points at one story: an article, or a live story (two nullable foreign keys, exactly
one of them set). A live story is on the home page while it is in progress: once ended (by its
status or its coverage end) or unpublished it leaves on its own, like an article unpublished or
expired."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Article, public_at, user_link
from breaking.models import LiveStory, live_story_in_progress

MAX_PINNED = 4


def in_window(at):
    """The condition for a placement to have started and not ended at ``at``, as a Q object."""
    return Q(Q(expires_at__isnull=True) | Q(expires_at__gt=at), starts_at__lte=at)


class PlacementQuerySet(models.QuerySet):
    def current(self, at=None):
        """Placements on the home page at ``at`` (now by default): started, not yet ended, and
        of a story that is public then. An article unpublished or expired drops out here, with
        no job to run and nothing to tidy up."""
        at = at or timezone.now()
        return self.filter(
            in_window(at), public_at(at, through="article__") | live_story_in_progress(at, through="live_story__")
        )


class Placement(models.Model):
    class Place(models.TextChoices):
        LEAD = "lead", "Lead story"
        PINNED = "pinned", "Pinned"

    place = models.CharField(
        max_length=10,
        choices=Place,
        default=Place.PINNED,
        help_text="The lead story is the big one at the top; pinned stories follow it, before the latest.",
    )
    article = models.ForeignKey(
        Article,
        null=True,
        on_delete=models.CASCADE,
        related_name="placements",
        limit_choices_to={"status": Article.Status.PUBLISHED},
        blank=True,
        help_text="A published article. If it is unpublished or expires, it leaves the home page on its own.",
    )
    live_story = models.ForeignKey(
        LiveStory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="placements",
        limit_choices_to={"status": LiveStory.Status.LIVE},
        help_text="…or a live story, shown as live. Once it has ended it leaves the home page on its own.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Pinned stories are shown from low to high; the lead story ignores it."
    )
    starts_at = models.DateTimeField("start time", default=timezone.now)
    expires_at = models.DateTimeField(
        "end time",
        null=True,
        blank=True,
        help_text="When it leaves the home page. A pin needs one; a lead story without one leads until replaced.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_link(editable=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["place", "position", "-starts_at", "-pk"]
        verbose_name = "front page placement"
        indexes = [
            models.Index(fields=["starts_at", "expires_at"], name="placement_window"),
            # The next pin to end, which the page cache asks for (frontpage/invalidation.py).
            models.Index(fields=["expires_at"], condition=Q(expires_at__isnull=False), name="placement_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, live_story__isnull=True)
                | Q(article__isnull=True, live_story__isnull=False),
                name="placement_one_target",
                violation_error_message="Choose an article or a live story: one of them.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("starts_at")),
                name="placement_ends_after_start",
                violation_error_message="The end time must be after the start time.",
            ),
            models.CheckConstraint(
                condition=Q(place="lead") | Q(expires_at__isnull=False),
                name="placement_pin_has_end",
                violation_error_message="A pinned story needs an end time.",
            ),
        ]

    def __str__(self):
        return f"{self.get_place_display()}: {self.story}"

    @property
    def story(self):
        """What the placement puts on the home page."""
        return self.article if self.article_id else self.live_story

    def clean(self):
        if self.expires_at and self.starts_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "The end time must be after the start time."})
        if self.place == self.Place.PINNED and self.expires_at is None:
            raise ValidationError({"expires_at": "A pinned story needs an end time."})
        article = self.article if self.article_id else None
        if article is not None:
            at = max(self.starts_at or timezone.now(), timezone.now())
            if article.status != Article.Status.PUBLISHED or (article.expires_at and article.expires_at <= at):
                raise ValidationError({"article": "Only a published article can lead or be pinned."})
        if self.live_story_id and (self.live_story.status != LiveStory.Status.LIVE or self.live_story.coverage_over()):
            raise ValidationError({"live_story": "Only a live story in progress can lead or be pinned."})

    def is_current(self, at=None):
        """The same rule as ``Placement.objects.current()``, for one placement already loaded."""
        at = at or timezone.now()
        started = self.starts_at <= at and (self.expires_at is None or self.expires_at > at)
        if self.article_id:
            return started and self.article.is_public(at)
        return started and self.live_story.is_in_progress(at)


def front_page_choices(placements):
    """The lead story editors chose (or None) and the pinned ones in order, each once and not
    the lead, from ``placements`` current now in their order, with their stories loaded (an
    article, or a live story with its latest update's time as ``live_latest_update_at``). The
    home page shows the first MAX_PINNED."""
    stories = []
    for placement in placements:
        story = placement.story
        story.placed_as, story.placed_from, story.placement_id = placement.place, placement.starts_at, placement.pk
        if placement.live_story_id:
            story.latest_update_at = placement.live_latest_update_at
        stories.append(story)
    leads = [story for story in stories if story.placed_as == Placement.Place.LEAD]
    lead = max(leads, key=lambda story: (story.placed_from, story.placement_id), default=None)
    pinned, seen = [], {story_key(lead)} if lead else set()
    for story in stories:
        if story.placed_as == Placement.Place.PINNED and story_key(story) not in seen:
            seen.add(story_key(story))
            pinned.append(story)
    return lead, pinned


def story_key(story):
    """What tells stories apart on the home page, articles (instances or listed rows) and live
    stories together."""
    return isinstance(story, LiveStory), story.pk
