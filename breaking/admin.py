"""Breaking news in the admin: posting a breaking item in a few keystrokes and taking it down;
running a live story, with a short form on its page to post an update."""

import copy

from csp.constants import NONCE
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import Truncator
from js_asset import Media
from reversion.admin import VersionAdmin

from articles.admin import TIPTAP_BASE_STYLE_HASH
from newsroom.admin import (
    FORMFIELD_OVERRIDES,
    ChoicesForTheirFormOnly,
    NamedRowsFormSet,
    OfferedLookupsOnly,
    ShowForForm,
    SignedImagesWhenViewOnly,
    https_formfield,
    signed_image_link,
)
from newsroom.dates import when

from . import services
from .models import LiveStory, LiveUpdate, Ticker, TickerItem


class TickerItemInline(admin.TabularInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    model = TickerItem
    formset = NamedRowsFormSet
    fields = ["text", "priority", "article", "live_story", "url", "starts_at", "expires_at"]
    autocomplete_fields = ["article", "live_story"]
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


def quoted(items):
    """Ticker items' texts for a message, each cut to 80 characters."""
    return ", ".join(f"“{Truncator(item.text).chars(80)}”" for item in items)


class BreakingItemForm(ShowForForm):
    """The quickest way to post a breaking item: text, optional link, and how long it shows."""

    NO_END = "Never (remove it by hand)"

    class Meta:
        model = TickerItem
        formfield_callback = https_formfield
        fields = ["ticker", "text", "priority", "article", "live_story", "url", "starts_at", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "lasts"
        ].help_text = "Counted from the start time. An expiry time typed in under “Link and timing” wins."


@admin.register(TickerItem)
class TickerItemAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = BreakingItemForm
    list_display = ["text", "ticker", "priority", "live_now", "start_time", "expiry_time", "expire_button"]
    list_filter = ["ticker", "priority"]
    list_select_related = ["ticker", "article", "live_story"]
    search_fields = ["text"]
    autocomplete_fields = ["article", "live_story"]
    date_hierarchy = "starts_at"
    actions = ["expire_now"]
    fieldsets = [
        (None, {"fields": ["text", "lasts", "priority"]}),
        (
            "Link and timing",
            {"classes": ["collapse"], "fields": ["ticker", "article", "live_story", "url", "starts_at", "expires_at"]},
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
        return when(item.starts_at)

    @admin.display(description="expiry time", ordering="expires_at")
    def expiry_time(self, item):
        return when(item.expires_at) if item.expires_at else "Never"

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


# Live coverage

MODERATE_PERMISSION = "breaking.change_livestory"


def may_moderate(user):
    """Editors run live stories: they may change any update, pin it or make it a key event."""
    return user.has_perm(MODERATE_PERMISSION)


def may_post_to(user, story):
    """Whether ``user`` may post an update to ``story`` now: reporters while it is live, editors
    also while it is a draft (to open with); nobody once it has ended."""
    if not user.has_perm("breaking.add_liveupdate") or not story.accepts_updates():
        return False
    return story.status == LiveStory.Status.LIVE or may_moderate(user)


class LiveUpdatePostForm(forms.ModelForm):
    """The short form on a live story's page: type, press Post, it is live."""

    class Meta:
        model = LiveUpdate
        fields = ["title", "body", "image", "image_alt", "pinned", "key_event"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_moderate(user):
            del self.fields["pinned"], self.fields["key_event"]


@admin.register(LiveStory)
class LiveStoryAdmin(ChoicesForTheirFormOnly, OfferedLookupsOnly, VersionAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    change_form_template = "admin/breaking/livestory/change_form.html"
    list_display = ["headline", "state", "start_time", "latest_update", "update_count"]
    list_filter = ["status", "section"]
    list_select_related = ["section"]
    search_fields = ["headline"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "authors"]
    fields = ["headline", "slug", "summary", "section", "authors", "status", "starts_at", "ends_at"]
    date_hierarchy = "starts_at"
    NEWEST_SHOWN = 20

    @admin.display(description="status", ordering="status")
    def state(self, story):
        """The status as readers see it now: a live story whose coverage end has passed has ended,
        and one whose start is still to come is scheduled."""
        if story.status == LiveStory.Status.LIVE and story.ends_at and story.ends_at <= timezone.now():
            return f"Ended (coverage end {when(story.ends_at)})"
        if story.status != LiveStory.Status.DRAFT and story.starts_at > timezone.now():
            return f"{story.get_status_display()} from {when(story.starts_at)}"
        return story.get_status_display()

    def get_queryset(self, request):
        # Ordered again: a query with an aggregate leaves out Meta.ordering (the autocomplete pages it).
        return (
            super().get_queryset(request).annotate(updates_posted=Count("updates")).order_by(*LiveStory._meta.ordering)
        )

    @admin.display(description="start", ordering="starts_at")
    def start_time(self, story):
        return when(story.starts_at)

    @admin.display(description="latest update", ordering="last_posted_at")
    def latest_update(self, story):
        return when(story.last_posted_at) if story.last_posted_at else "None yet"

    @admin.display(description="updates", ordering="updates_posted")
    def update_count(self, story):
        return story.updates_posted

    def get_urls(self):
        post = self.admin_site.admin_view(self.post_update_view)
        return [path("<path:object_id>/post/", post, name="breaking_livestory_post"), *super().get_urls()]

    # The post form's body editor needs what the article form's does (articles/admin.py).
    @method_decorator(csp_update({"script-src": [NONCE], "style-src": [TIPTAP_BASE_STYLE_HASH]}))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            if may_post_to(request.user, obj):
                context.setdefault("post_form", LiveUpdatePostForm(user=request.user))
                context["media"] = context["media"] + context["post_form"].media
            elif request.user.has_perm("breaking.add_liveupdate"):
                context["cannot_post"] = (
                    "Updates can be posted here once an editor makes the story live."
                    if obj.accepts_updates()
                    else "This story has ended: it takes no more updates."
                    if obj.status == LiveStory.Status.ENDED
                    else "This story's coverage end has passed: it takes no more updates until it is moved later."
                )
            newest = obj.updates.select_related("posted_by").prefetch_related("authors")[: self.NEWEST_SHOWN]
            context["newest_updates"] = [
                (update, LiveUpdateAdmin.may_change(request.user, update)) for update in newest
            ]
        context["media"] = Media.from_media(context["media"]).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def post_update_view(self, request, object_id):
        if request.method != "POST":
            return redirect("admin:breaking_livestory_change", object_id)
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such live story.")
        if not may_post_to(request.user, story):
            raise PermissionDenied
        form = LiveUpdatePostForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            self.message_user(request, "The update was not posted: see below.", messages.ERROR)
            shown = copy.copy(request)
            shown.method = "GET"
            return self.changeform_view(shown, object_id, extra_context={"post_form": form})
        try:
            update = services.post_update(story=story, user=request.user, **form.cleaned_data)
        except services.UpdateRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            # In the admin's log beside every other change, as if added through the update's own form.
            self.admin_site.get_model_admin(LiveUpdate).log_addition(request, update, [{"added": {}}])
            where = "It is live." if story.is_public() else "Readers see it once the story is live."
            self.message_user(request, f"Posted at {when(update.posted_at)}: “{update}”. {where}")
        return redirect("admin:breaking_livestory_change", story.pk)


@admin.register(LiveUpdate)
class LiveUpdateAdmin(OfferedLookupsOnly, SignedImagesWhenViewOnly, VersionAdmin):
    """Updates are posted from their story's page; here they are edited and removed. Reporters
    change and remove their own updates only."""

    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["__str__", "story", "posted_time", "pinned", "key_event", "edited", "removed"]
    list_filter = ["pinned", "key_event", ("story", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["story"]
    search_fields = ["title", "story__headline"]
    autocomplete_fields = ["authors"]
    fields = ["story", "posted_at", "title", "body", "image", "image_alt", "authors", "pinned", "key_event"]
    actions = ["remove"]
    image_signed = signed_image_link("image")

    @staticmethod
    def may_change(user, update):
        return user.has_perm("breaking.change_liveupdate") and (
            may_moderate(user) or (update.posted_by_id is not None and update.posted_by_id == user.pk)
        )

    def has_add_permission(self, request):
        return False  # posted from the story's page: one way to post

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_change(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        readonly = ["story"]
        if not may_moderate(request.user):
            readonly += ["pinned", "key_event"]
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="time", ordering="posted_at")
    def posted_time(self, update):
        return when(update.posted_at)

    @admin.display(description="edited", boolean=True)
    def edited(self, update):
        return update.edited_at is not None

    @admin.display(description="removed", boolean=True)
    def removed(self, update):
        return update.is_deleted

    def save_model(self, request, obj, form, change):
        services.record_edit(update=obj, user=request.user)

    def delete_model(self, request, obj):
        services.remove_update(update=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for update in queryset:
            services.remove_update(update=update, user=request.user)

    @admin.action(description="Remove (readers see that it was removed)", permissions=["delete"])
    def remove(self, request, queryset):
        removed = [update for update in queryset if self.may_change(request.user, update)]
        for update in removed:
            services.remove_update(update=update, user=request.user)
        refused = queryset.count() - len(removed)
        self.message_user(request, f"Removed {len(removed)} update{pluralize(len(removed))}.", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"Left {refused} update{pluralize(refused)} by others as they are.", messages.WARNING
            )
