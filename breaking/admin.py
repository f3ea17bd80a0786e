"""The tickers in the admin: posting a breaking item in a few keystrokes, and taking it down."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, OuterRef, Subquery
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from newsroom.admin import FORMFIELD_OVERRIDES, NamedRowsFormSet, OfferedLookupsOnly, https_formfield

from .models import Ticker, TickerItem


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
