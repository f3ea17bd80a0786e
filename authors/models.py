from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsroom.images import UploadedImageField, validate_image
from newsroom.slugs import slug_url, unique_slug


class AuthorQuerySet(models.QuerySet):
    def published(self, at=None):
        """Authors readers may see at ``at`` (now by default): those with a byline on a public
        article (``Article.objects.published()``'s rule). A draft's byline is not public yet, and
        an author with no public article has no page, feed, sitemap entry or filter option."""
        from articles.models import ArticleAuthor, public_at

        # A semi-join: for each author, the first public byline found through the author's index
        # ends the search, rather than a pass over every byline.
        public_bylines = ArticleAuthor.objects.filter(public_at(at or timezone.now(), through="article__"))
        return self.filter(Exists(public_bylines.filter(author=OuterRef("pk"))))


class Author(models.Model):
    name = models.CharField(max_length=200, db_index=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="Used in the author's page address. Leave blank to derive it from the name.",
    )
    job_title = models.CharField(max_length=200, blank=True, help_text="For example “Energy correspondent”.")
    bio = models.TextField(
        blank=True, help_text="A short biography in plain text, shown on articles and the author's page."
    )
    photo = UploadedImageField(
        upload_to="authors/%Y/%m/",
        blank=True,
        validators=[validate_image],
        help_text="A head-and-shoulders photo: JPEG, PNG or WebP.",
    )
    website = models.URLField(blank=True)
    social_url = models.URLField(
        "social profile", blank=True, help_text="A public profile, e.g. on Mastodon or Bluesky."
    )
    email = models.EmailField(blank=True, help_text="Private contact address for editors; never shown to readers.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The author's login, if they have one. Guest and wire authors need none.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        # The media view's lookup of the author a photo belongs to (newsroom/media.py).
        indexes = [models.Index(fields=["photo"], name="author_photo")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="author")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("authors:detail", self.slug)
