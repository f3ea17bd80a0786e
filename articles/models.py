import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from newsroom.images import UploadedImageField, image_size, validate_image
from newsroom.slugs import slug_url, unique_slug

from .html import EDITOR_EXTENSIONS, has_text, sanitize_html

HEADLINE_MAX_FOR_AGGREGATORS = 110


def user_link(*, editable=True):
    """Who did something to a row (created, saved, sent back); kept as empty if the user goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=editable,
    )


class SectionQuerySet(models.QuerySet):
    def published(self, at=None):
        """Sections readers may see at ``at`` (now by default): those with a public article. A
        section with none has no page, feed, sitemap entry or place in the archive's filters."""
        public = Article.objects.published(at).filter(section=OuterRef("pk"))
        return self.filter(Exists(public))


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of the section page.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Sections are listed from low to high.")

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


def public_at(at, through="", published_by=None):
    """The condition for an article to be public at ``at``, as a Q object; ``through`` is the
    lookup path from another model (``"article__"``), so a join can use the same rule.

    ``published_by`` is a bound on the publication time no later than ``at`` that the caller
    knows (the time of an article public at ``at``, as ``OuterRef("published_at")``): given in
    place of ``at``, it is the bound an index scan starts from. With both, SQLite may start
    from ``at`` and read every article published since."""
    until = at if published_by is None else published_by
    return Q(
        Q(**{f"{through}expires_at__isnull": True}) | Q(**{f"{through}expires_at__gt": at}),
        **{f"{through}status": "published", f"{through}published_at__lte": until},
    )


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None, *, published_by=None):
        """What the public may see at ``at`` (now by default): published, past its publication
        time and not yet expired. Scheduling and expiry need no job: they happen here.
        (``published_by``: see ``public_at``.)"""
        return self.filter(public_at(at or timezone.now(), published_by=published_by))

    def scheduled(self, at=None):
        at = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=at)


class ArticleConflict(Exception):
    """Someone else saved the article since this copy was loaded."""

    def __init__(self, article, current_version):
        self.article = article
        self.current_version = current_version
        super().__init__(
            f"“{article.headline}” was saved by someone else (now version {current_version}, "
            f"you edited version {article.version})."
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text="The article's address. Changing it on a published article keeps the old address working.",
    )
    dek = models.TextField("summary", blank=True, help_text="One or two sentences under the headline and in listings.")
    body = ProseEditorField(blank=True, extensions=EDITOR_EXTENSIONS, sanitize=sanitize_html)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    lead_image = UploadedImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_image],
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required whenever there is an image.",
    )
    lead_image_caption = models.CharField("caption", max_length=500, blank=True)
    lead_image_credit = models.CharField("image credit", max_length=200, blank=True)
    authors = models.ManyToManyField("authors.Author", through="ArticleAuthor", related_name="articles", blank=True)
    credit_line = models.CharField(
        max_length=200, blank=True, help_text="For wire or partner copy, e.g. “RFE/RL” or “Reuters”."
    )
    source_name = models.CharField(max_length=200, blank=True, help_text="The publication the story first ran in.")
    source_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A published article with a time in the future is scheduled: it appears on its own then.",
    )
    expires_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional: the article is taken down on its own at this time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    created_by = user_link(editable=False)
    updated_by = user_link(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    sent_back_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_back_by = user_link(editable=False)
    sent_back_to = user_link(editable=False)
    # Imported stories: the fingerprint of the normalised headline and byline, and the
    # previous/next headlines until the articles they name exist.
    fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    previous_headline = models.CharField(max_length=255, blank=True, editable=False)
    next_headline = models.CharField(max_length=255, blank=True, editable=False)
    previous_article = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    next_article = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Plain column order, so listings read the (status, published_at) index instead of sorting.
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [
            # Listings newest first. With the expiry time, whether an article is public is read
            # from the index alone, so counting or walking to a deep page reads no table row; with
            # the last update, so is the sitemap index's date for each part; with the section, the
            # home page's section blocks rank the latest articles from the index alone.
            models.Index(
                fields=["status", "-published_at", "-id", "expires_at", "updated_at", "section"],
                name="article_status_published",
            ),
            models.Index(
                fields=["section", "status", "-published_at", "-id", "expires_at"], name="article_section_published"
            ),
            # Public articles by id: sitemap parts, and joins that ask whether the article of a
            # byline or a correction is public.
            models.Index(fields=["status", "id", "published_at", "expires_at"], name="article_status_id"),
            # The next expiry, which the page cache asks for (articles/invalidation.py).
            models.Index(fields=["expires_at"], condition=Q(expires_at__isnull=False), name="article_expires"),
            # Whether an image may be served: the articles that show it (newsroom/media.py).
            models.Index(fields=["lead_image"], name="article_lead_image"),
            # The importer links previous/next stories by headline.
            models.Index(fields=["headline"], name="article_headline"),
            models.Index(fields=["previous_headline"], name="article_previous_headline"),
            models.Index(fields=["next_headline"], name="article_next_headline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="article_expires_after_publication",
                violation_error_message="The expiry time must be after the publication time.",
            ),
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="article_image_has_alt_text",
                violation_error_message="Describe the lead image for readers who cannot see it.",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self._measure_lead_image()
        if not self.slug:
            self.slug = unique_slug(self, self.headline, fallback="article")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            # Every write counts a version, however few fields it touches.
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        with transaction.atomic():
            if self.pk and not self._state.adding:
                self._claim_next_version()
            if reversion.is_active():
                super().save(*args, **kwargs)
            else:
                with reversion.create_revision():
                    super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def _measure_lead_image(self):
        """Keep the lead image's pixel size for width/height attributes, read from its header."""
        if not self.lead_image:
            self.lead_image_width = self.lead_image_height = None
        elif self.lead_image_width is None or not self.lead_image._committed:
            self.lead_image_width, self.lead_image_height = image_size(self.lead_image)

    def _claim_next_version(self):
        """Optimistic locking: a save based on an out-of-date copy is refused, never merged.
        The row is locked (PostgreSQL) or the write lock held (SQLite) until the save commits."""
        current = (
            type(self).objects.select_for_update().filter(pk=self.pk).values_list("version", "slug", "status").first()
        )
        if current is None:
            return
        current_version, current_slug, current_status = current
        if current_version != self.version:
            raise ArticleConflict(self, current_version)
        self.version += 1
        if current_slug != self.slug and current_status == self.Status.PUBLISHED:
            # A published address was shared; it must keep working.
            SlugRedirect.objects.update_or_create(old_slug=current_slug, defaults={"article": self})
            SlugRedirect.objects.filter(old_slug=self.slug).delete()

    def clean(self):
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError({"lead_image_alt": "Describe the lead image for readers who cannot see it."})
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            raise ValidationError({"expires_at": "The expiry time must be after the publication time."})

    def publication_problems(self, *, has_authors):
        """The newsroom's gates for publishing, as ``{field name: message}`` an editor can act
        on; the authors' gate is reported on the credit line, the alternative to an author."""
        problems = {}
        if not has_text(self.body):
            problems["body"] = "The body is empty: write the story before publishing it."
        if not has_authors and not self.credit_line.strip():
            problems["credit_line"] = "Add at least one author, or a credit line for wire or partner copy."
        if self.lead_image and not self.lead_image_alt.strip():
            problems["lead_image_alt"] = "Describe the lead image for readers who cannot see it."
        if len(self.headline) > HEADLINE_MAX_FOR_AGGREGATORS:
            problems["headline"] = (
                f"The headline is {len(self.headline)} characters; news aggregators cut headlines "
                f"longer than {HEADLINE_MAX_FOR_AGGREGATORS}."
            )
        return problems

    def is_public(self, at=None):
        """The same rule as ``Article.objects.published()``, for one article already loaded."""
        at = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= at
            and (self.expires_at is None or self.expires_at > at)
        )

    @property
    def state(self):
        """Draft, In review, Scheduled, Live or Expired, as of now."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.get_status_display()
        if self.published_at and self.published_at > now:
            return "Scheduled"
        if self.expires_at and self.expires_at <= now:
            return "Expired"
        return "Live"


class ArticleDraft(models.Model):
    """Changes to a published article that readers do not see yet: everything in the article
    form (fields, bylines, corrections), kept until someone with the publishing permission
    publishes them. Saving one changes nothing public."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="draft")
    content = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = user_link()
    sent_back_at = models.DateTimeField(null=True, blank=True)
    sent_back_by = user_link()
    sent_back_to = user_link()

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = "draft of changes"
        verbose_name_plural = "drafts of changes"
        indexes = [models.Index(fields=["status", "-saved_at"], name="articledraft_queue")]

    def __str__(self):
        return f"Unpublished changes to “{self.article}”"


class ArticleAuthor(models.Model):
    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        ADDITIONAL_REPORTING = "reporting", "Additional reporting"
        PHOTOS = "photos", "Photos"
        VIDEO = "video", "Video"
        GRAPHICS = "graphics", "Graphics"
        EDITING = "editing", "Editing"
        TRANSLATION = "translation", "Translation"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=20, choices=Role, default=Role.WRITER)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "byline"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_once"),
        ]
        indexes = [
            # An author's articles from the index alone: their pages, counts and sitemap dates.
            models.Index(fields=["author", "article"], name="articleauthor_author_article"),
        ]

    def __str__(self):
        return f"{self.author} ({self.get_role_display()})"


class SlugRedirect(models.Model):
    """An address a published article used to have."""

    old_slug = models.SlugField(max_length=255, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class CorrectionQuerySet(models.QuerySet):
    def published(self, at=None):
        """Corrections readers see: those of articles public at ``at`` (now by default), by a
        join on the article rather than "article in (every public article)"."""
        return self.filter(public_at(at or timezone.now(), through="article__"))


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=15, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="Plain text: what was wrong and what is right now.")
    published_at = models.DateTimeField("time", default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        indexes = [models.Index(fields=["-published_at"], name="correction_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”"


class SourceFile(models.Model):
    """A scraped page the importer read, recorded against the article it became."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_files")
    name = models.CharField(
        "path",
        max_length=1000,
        unique=True,
        help_text="The file's path relative to the folder it was imported from.",
    )
    # Records from before paths were recorded name a file by its name alone, wherever it was.
    by_file_name = models.BooleanField(default=False, editable=False)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ArticlePresence(models.Model):
    """Someone has the article's change form open: written when the form is rendered and kept
    current by the form page while it is open (articles/presence.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_presence_once"),
        ]
        indexes = [
            # Who else is here now, and which rows are old enough to forget.
            models.Index(fields=["article", "last_seen"], name="article_presence_recent"),
        ]

    def __str__(self):
        return f"{self.user} has “{self.article}” open"


# The version counter belongs to the row, not to its content: reverting must not wind it back.
reversion.register(
    Article, follow=["bylines", "corrections"], exclude=["version", "sent_back_at", "sent_back_by", "sent_back_to"]
)
reversion.register(ArticleAuthor)
reversion.register(Correction)
