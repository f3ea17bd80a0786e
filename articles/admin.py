from datetime import timedelta

from csp.constants import NONCE
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from js_asset import Media
from reversion.admin import VersionAdmin
from reversion.models import Version

from newsroom.admin import FORMFIELD_OVERRIDES, NamedRowsFormSet, OfferedLookupsOnly, https_formfield

from .diffs import changed_fields
from .models import (
    Article,
    ArticleAuthor,
    ArticleConflict,
    Correction,
    Section,
    SlugRedirect,
    SourceFile,
    Ticker,
    TickerItem,
)
from .views import article_page_context, with_page_data

PUBLISH_PERMISSION = "articles.publish_article"
TIPTAP_BASE_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


class ArticleAdminForm(forms.ModelForm):
    """The article form knows who is editing: only editors may publish or unpublish, and a
    save based on an out-of-date copy is refused with a way to see the other change."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None  # set per request by ArticleAdmin.get_form

    class Meta:
        model = Article
        formfield_callback = https_formfield
        fields = [
            "headline", "slug", "dek", "body", "section", "status", "published_at", "expires_at",
            "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
            "credit_line", "source_name", "source_url",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        if "status" in self.fields and not self.user.has_perm(PUBLISH_PERMISSION):
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Article.Status.PUBLISHED
            ]
            self.fields["status"].help_text = "Send the article to review; an editor publishes it."

    def clean(self):
        cleaned_data = super().clean()
        self._check_version()
        was_published = self.instance.pk and self.initial.get("status") == Article.Status.PUBLISHED
        publishing = cleaned_data.get("status") == Article.Status.PUBLISHED
        if (publishing or was_published) and not self.user.has_perm(PUBLISH_PERMISSION):
            raise ValidationError("Only editors can publish or unpublish articles.", code="publish_permission")
        return cleaned_data

    def _check_version(self):
        if not self.instance.pk:
            return
        loaded = self.cleaned_data.get("loaded_version")
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if loaded is None or current is None or loaded == current:
            return
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        # Saving again after looking at the other change is a deliberate overwrite.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current
        raise ValidationError(
            format_html(
                "Someone else saved this article while you were editing it (you started from version "
                "{}, it is now version {}). Your changes have not been saved; they are still in the "
                'form below. <a href="{}" target="_blank">See what changed in the history</a>, then '
                "save again to keep your version.",
                loaded,
                current,
                history,
            ),
            code="conflict",
        )


class BylineInlineFormSet(NamedRowsFormSet):
    """Runs the publishing gates, which need the article's fields and its authors together."""

    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED or any(self.errors):
            return
        has_authors = any(
            form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE") for form in self.forms
        )
        problems = article.publication_problems(has_authors=has_authors)
        if problems:
            raise ValidationError(["This article cannot be published yet:", *problems])


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineInlineFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class CorrectionInline(admin.StackedInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    model = Correction
    extra = 0
    fields = ["kind", "text", "published_at"]


class StateFilter(admin.SimpleListFilter):
    title = "state now"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.published(at=now)
        if self.value() == "scheduled":
            return queryset.scheduled(at=now)
        if self.value() == "expired":
            return queryset.filter(status=Article.Status.PUBLISHED, expires_at__lte=now)
        return queryset


@admin.register(Article)
class ArticleAdmin(OfferedLookupsOnly, VersionAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = ["headline", "state_display", "section", "author_names", "published_at"]
    list_filter = ["status", StateFilter, "section", "authors", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish_now", "unpublish", "send_to_review"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "section", "loaded_version"]}),
        ("Publishing", {"fields": ["status", "published_at", "expires_at"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        ("Credit and source", {"fields": ["credit_line", "source_name", "source_url"]}),
    ]

    def get_queryset(self, request):
        bylines = ArticleAuthor.objects.select_related("author")
        return super().get_queryset(request).prefetch_related(Prefetch("bylines", queryset=bylines))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        """Reporters edit drafts; a published article is the editors' to change."""
        published = obj is not None and obj.status == Article.Status.PUBLISHED
        if published and not request.user.has_perm(PUBLISH_PERMISSION):
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        obj.version = form.cleaned_data.get("loaded_version") or obj.version
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reverting is an edit of the article as it is now: only those who may change it now
        may revert it, and the version counter keeps counting up, so a revert form loaded
        before someone else's save is refused like any other stale form."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return super().revision_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        with transaction.atomic():
            # Hold the row until the revert is saved or rolled back.
            version = Article.objects.select_for_update().values_list("version", flat=True).get(pk=article.pk)
            context = {**(extra_context or {}), "version_before_revert": version}
            return super().revision_view(request, object_id, version_id, context)

    # The prose editor needs two inline things on the article form: its import map, an inline
    # <script type="importmap"> (browsers load no other kind) that runs under this response's
    # nonce, and the base stylesheet its Tiptap editor injects as a <style> element, allowed by
    # the hash of its fixed text. A django-prose-editor upgrade may change that text and hash;
    # newsroom/tests/browser/test_content_security_policy.py then fails with the new hash.
    @method_decorator(csp_update({"script-src": [NONCE], "style-src": [TIPTAP_BASE_STYLE_HASH]}))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        version_before_revert = (extra_context or {}).get("version_before_revert")
        if version_before_revert is not None:
            # The revert wrote the revision's content with the version number it had then.
            Article.objects.filter(pk=unquote(object_id)).update(version=version_before_revert)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ArticleConflict as conflict:
            # Lost the race between the form's check and the save: nothing was written.
            self.message_user(request, f"{conflict} Nothing was saved; please reapply your changes.", messages.ERROR)
            return redirect(request.path)

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = Media.from_media(context["media"]).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="state")
    def state_display(self, article):
        state = article.state
        if state == "Scheduled":
            when = timezone.localtime(article.published_at).strftime("%d %b %Y %H:%M")
            return format_html('<span class="state state-scheduled">Scheduled for {}</span>', when)
        return format_html('<span class="state state-{}">{}</span>', state.lower().replace(" ", "-"), state)

    @admin.display(description="authors")
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all()) or article.credit_line

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused = 0, []
        now = timezone.now()
        for article in queryset.annotate(byline_count=Count("bylines")):
            problems = article.publication_problems(has_authors=article.byline_count > 0)
            if problems:
                refused.append(f"“{article.headline}”: {' '.join(problems)}")
                continue
            if article.state != "Live":
                article.status = Article.Status.PUBLISHED
                article.published_at = now
                article.expires_at = None if article.expires_at and article.expires_at <= now else article.expires_at
                article.updated_by = request.user
                article.save()
            published += 1
        if published:
            self.message_user(request, f"Published {published} article(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not published: {reason}", messages.ERROR)

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "Unpublished")

    @admin.action(description="Send to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        if not self.has_publish_permission(request) and queryset.filter(status=Article.Status.PUBLISHED).exists():
            self.message_user(request, "Only editors can take a published article back to review.", messages.ERROR)
            return
        self._set_status(request, queryset, Article.Status.REVIEW, "Sent to review")

    def _set_status(self, request, queryset, status, verb):
        count = 0
        for article in queryset.exclude(status=status):
            article.status = status
            article.updated_by = request.user
            article.save()
            count += 1
        self.message_user(request, f"{verb}: {count} article(s).", messages.SUCCESS)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/history/<int:version_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
        ]
        return urls + super().get_urls()

    @method_decorator(never_cache)
    def preview_view(self, request, pk):
        """The article exactly as readers would see it, whatever its status."""
        article = get_object_or_404(with_page_data(Article.objects.all()), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {"article": article, "preview": True, **article_page_context(article, request)}
        return TemplateResponse(request, "articles/article_detail.html", context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in response.context_data.get("action_list", []):
            version_id = action["url"].rstrip("/").rsplit("/", 1)[-1]
            action["compare_url"] = reverse("admin:articles_article_compare", args=[object_id, version_id])
        return response

    def compare_view(self, request, pk, version_id):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "version": version,
            "changes": changed_fields(article, version.field_dict),
            "title": f"Compare a revision of “{article}” with the current version",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)


@admin.register(Section)
class SectionAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Correction)
class CorrectionAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind", "published_at"]
    list_select_related = ["article"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"


class TickerItemInline(admin.TabularInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    model = TickerItem
    formset = NamedRowsFormSet
    fields = ["text", "priority", "article", "url", "starts_at", "expires_at"]
    autocomplete_fields = ["article"]
    extra = 1


@admin.register(Ticker)
class TickerAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    list_display = ["name", "live_count"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TickerItemInline]

    def get_queryset(self, request):
        live = (
            TickerItem.objects.live()
            .filter(ticker=OuterRef("pk"))
            .order_by()
            .values("ticker")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return super().get_queryset(request).annotate(live_count=Subquery(live))

    @admin.display(description="live items")
    def live_count(self, ticker):
        return ticker.live_count or 0


def short_datetime(value):
    """A time as the ticker item list and form show it: 15 Jan 2030 14:30."""
    return timezone.localtime(value).strftime("%d %b %Y %H:%M")


def quoted(items):
    """Ticker items' texts for a message, each cut to 80 characters."""
    return ", ".join(f"“{Truncator(item.text).chars(80)}”" for item in items)


class BreakingItemForm(forms.ModelForm):
    """The quickest way to post a breaking item: text, optional link, and how long it shows.

    "Show for" sets the expiry from the start time, on a new item and on an existing one. On an
    existing item it shows the item's lifetime, or its exact expiry when the lifetime is none of
    the lengths offered. An expiry time typed in wins."""

    HOURS = [1, 3, 6, 24]
    NEVER, CUSTOM = "", "custom"
    lasts = forms.ChoiceField(
        label="Show for",
        required=False,
        help_text="Counted from the start time. An expiry time typed in under “Link and timing” wins.",
    )

    class Meta:
        model = TickerItem
        formfield_callback = https_formfield
        fields = ["ticker", "text", "priority", "article", "url", "starts_at", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.NEVER, "Never (remove it by hand)")]
        choices += [(str(hours), f"{hours} hour{pluralize(hours)}") for hours in self.HOURS]
        lasts = self._lasts(self.instance) if self.instance.pk else "3"
        if lasts == self.CUSTOM:
            choices.append((self.CUSTOM, f"Until {short_datetime(self.instance.expires_at)}"))
        self.fields["lasts"].choices = choices
        self.fields["lasts"].initial = lasts

    def _lasts(self, item):
        """The choice that shows how long ``item`` is set to show."""
        if item.expires_at is None:
            return self.NEVER
        lifetimes = {timedelta(hours=hours): str(hours) for hours in self.HOURS}
        return lifetimes.get(item.expires_at - item.starts_at, self.CUSTOM)

    def clean(self):
        cleaned_data = super().clean()
        if "lasts" not in cleaned_data or "expires_at" in self.changed_data:
            return cleaned_data
        lasts = cleaned_data["lasts"]
        if lasts == self.CUSTOM:
            return cleaned_data  # the exact expiry the item has
        start = cleaned_data.get("starts_at") or timezone.now()
        cleaned_data["expires_at"] = start + timedelta(hours=int(lasts)) if lasts else None
        return cleaned_data


@admin.register(TickerItem)
class TickerItemAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = BreakingItemForm
    list_display = ["text", "ticker", "priority", "live_now", "start_time", "expiry_time", "expire_button"]
    list_filter = ["ticker", "priority"]
    list_select_related = ["ticker", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["article"]
    date_hierarchy = "starts_at"
    actions = ["expire_now"]
    fieldsets = [
        (None, {"fields": ["text", "lasts", "priority"]}),
        (
            "Link and timing",
            {"classes": ["collapse"], "fields": ["ticker", "article", "url", "starts_at", "expires_at"]},
        ),
    ]

    def get_list_display(self, request):
        if self.has_change_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "expire_button"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        breaking = Ticker.objects.filter(slug="breaking-news").values_list("pk", flat=True).first()
        initial.setdefault("ticker", breaking)
        return initial

    @admin.display(description="live now", boolean=True)
    def live_now(self, item):
        return item.is_live()

    @admin.display(description="start time", ordering="starts_at")
    def start_time(self, item):
        return short_datetime(item.starts_at)

    @admin.display(description="expiry time", ordering="expires_at")
    def expiry_time(self, item):
        return short_datetime(item.expires_at) if item.expires_at else "Never"

    @admin.display(description="take down")
    def expire_button(self, item):
        """Runs "Expire now" on this row alone, through the form in the list's template."""
        if not item.in_window():
            return ""
        return format_html(
            '<button type="submit" form="expire-now" name="{}" value="{}" class="button" aria-label="{}">'
            "Expire now</button>",
            helpers.ACTION_CHECKBOX_NAME,
            item.pk,
            f"Expire now: {Truncator(item.text).chars(80)}",
        )

    @admin.action(description="Expire now (take off the ticker)", permissions=["change"])
    def expire_now(self, request, queryset):
        now = timezone.now()
        expired, over, not_started = [], [], []
        for item in queryset:
            if item.starts_at >= now:
                not_started.append(item)
            elif item.expires_at is not None and item.expires_at <= now:
                over.append(item)
            else:
                item.expires_at = now
                item.save(update_fields=["expires_at"])  # not update(): the save signal clears cached pages
                expired.append(item)
        if expired:
            self.message_user(request, f"Expired now, off the ticker: {quoted(expired)}.", messages.SUCCESS)
        if over:
            self.message_user(request, f"Already expired: {quoted(over)}.", messages.INFO)
        if not_started:
            self.message_user(
                request,
                f"Not started yet, so left as they are: {quoted(not_started)}. "
                "Delete them, or change their start time.",
                messages.WARNING,
            )


@admin.register(SlugRedirect)
class SlugRedirectAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__headline"]


@admin.register(SourceFile)
class SourceFileAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    list_display = ["name", "article", "sha256", "imported_at"]
    list_select_related = ["article"]
    search_fields = ["name", "article__headline"]
    readonly_fields = ["name", "article", "sha256", "imported_at"]
