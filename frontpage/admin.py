from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator

from newsroom.admin import FORMFIELD_OVERRIDES, OfferedLookupsOnly, ShowForForm
from newsroom.dates import when

from .models import Placement


class PlacementForm(ShowForForm):
    """Choose the story (an article or a live story), lead or pinned, and how long it stays:
    "Show for" sets the end time from the start time; an end time typed in wins."""

    HOURS = [1, 3, 6, 12, 24, 48]
    DEFAULT = "6"
    NO_END = "Until replaced (lead story only)"

    class Meta:
        model = Placement
        fields = ["place", "article", "live_story", "position", "starts_at", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "lasts"
        ].help_text = "Counted from the start time. A pinned story needs an end; a lead story may lead until replaced."

    def may_last(self, cleaned_data, lasts):
        if not lasts and cleaned_data.get("place") == Placement.Place.PINNED:
            self.add_error("lasts", "A pinned story needs an end: choose how long it stays pinned.")
            return False
        return True


class PositionsFormSet(forms.BaseModelFormSet):
    """The list's position inputs, each named after its row's story: a table cell has no label."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "position" in form.fields:
            form.fields["position"].widget.attrs["aria-label"] = f"Position of “{form.instance.story}”"


class OnPageNowFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "now"

    def lookups(self, request, model_admin):
        return [("yes", "On the home page now"), ("no", "Not on it now")]

    def queryset(self, request, queryset):
        current = Placement.objects.current().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(Placement)
class PlacementAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = PlacementForm
    # The place is in each row's name; who made it is on its form.
    list_display = ["placement", "position", "on_page_now", "start_time", "end_time"]
    list_editable = ["position"]
    list_filter = [OnPageNowFilter, "place"]
    list_select_related = ["article", "live_story"]
    search_fields = ["article__headline", "live_story__headline"]
    autocomplete_fields = ["article", "live_story"]
    date_hierarchy = "starts_at"
    actions = ["end_now"]
    readonly_fields = ["created_by"]
    fieldsets = [
        (None, {"fields": ["place", "article", "live_story", "lasts", "position"]}),
        ("Timing", {"fields": ["starts_at", "expires_at", "created_by"]}),
    ]

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=PositionsFormSet, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="placement", ordering="place")
    def placement(self, placement):
        return str(placement)

    @admin.display(description="shown now", boolean=True)
    def on_page_now(self, placement):
        return placement.is_current()

    @admin.display(description="start time", ordering="starts_at")
    def start_time(self, placement):
        return when(placement.starts_at)

    @admin.display(description="end time", ordering="expires_at")
    def end_time(self, placement):
        return when(placement.expires_at) if placement.expires_at else "Until replaced"

    @admin.action(description="End now (take off the home page)", permissions=["change"])
    def end_now(self, request, queryset):
        now = timezone.now()
        ended, left = [], []
        for placement in queryset.select_related("article", "live_story"):
            if placement.starts_at < now and (placement.expires_at is None or placement.expires_at > now):
                placement.expires_at = now
                placement.save(update_fields=["expires_at"])  # not update(): the save signal clears the home page
                ended.append(placement)
            else:
                left.append(placement)
        if ended:
            self.message_user(request, f"Off the home page now: {quoted(ended)}.", messages.SUCCESS)
        if left:
            self.message_user(request, f"Not on the home page, so left as they are: {quoted(left)}.", messages.INFO)


def quoted(placements):
    return ", ".join(f"“{Truncator(str(placement.story)).chars(80)}”" for placement in placements)
