from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from newsroom.admin import FORMFIELD_OVERRIDES, OfferedLookupsOnly, SignedImagesWhenViewOnly, signed_image_link
from newsroom.media import signed_url

from .models import Author


@admin.register(Author)
class AuthorAdmin(OfferedLookupsOnly, SignedImagesWhenViewOnly, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["thumbnail", "name", "job_title", "article_count", "user"]
    list_display_links = ["name"]  # a link on the photo alone would have no name
    list_select_related = ["user"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "bio", "photo"]}),
        ("Links", {"fields": ["website", "social_url"]}),
        ("Private", {"fields": ["email", "user"]}),
    ]

    photo_signed = signed_image_link("photo")

    def get_queryset(self, request):
        # Grouping drops Meta.ordering; the byline autocomplete pages through this list.
        articles = Count("bylines", distinct=True)
        return super().get_queryset(request).annotate(article_count=articles).order_by(*Author._meta.ordering)

    @admin.display(description="photo")
    def thumbnail(self, author):
        if not author.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="40" height="40" class="author-thumb" loading="lazy">',
            signed_url(author.photo.url, author.photo.name),  # served to readers only while the author is public
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, author):
        return author.article_count
