"""API keys and webhooks in the admin: site administrators only (api/migrations/0002)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from newsroom.admin import OfferedLookupsOnly

from . import keys, webhooks
from .models import ApiKey, Event, WebhookDelivery, WebhookSubscription


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name"]


@admin.register(ApiKey)
class ApiKeyAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "created_at", "created_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A key's name may change; what it is may not.
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return ["name", *self.readonly_fields] if obj else ["name"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        row, request.issued_key = keys.issue_key(name=obj.name, user=request.user)
        obj.pk, obj._state = row.pk, row._state

    def response_add(self, request, obj, post_url_continue=None):
        """The key, shown this once: only its digest is kept."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "key": request.issued_key,
            "title": "Copy the new API key",
        }
        return TemplateResponse(request, "admin/api/apikey_issued.html", context)

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        count = keys.revoke_keys(queryset)
        self.message_user(request, f"Revoked {count} key(s): requests with them are refused from now on.")


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https", help_text="Where each event is POSTed.")
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = ["url", "events", "active", "secret"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Use an http or https URL.")
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["url", "event_names", "active", "failing_since"]
    list_filter = ["active", ("failing_since", admin.EmptyFieldListFilter)]
    search_fields = ["url"]
    readonly_fields = ["secret", "failing_since", "created_at"]

    def get_fields(self, request, obj=None):
        return (
            ["url", "events", "active", "secret", "failing_since", "created_at"] if obj else ["url", "events", "active"]
        )

    @admin.display(description="events")
    def event_names(self, subscription):
        return ", ".join(subscription.events)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OfferedLookupsOnly, admin.ModelAdmin):
    list_display = ["event", "subscription", "status", "response_code", "attempts", "last_attempt_at", "delivered_at"]
    list_filter = ["status", "event__type"]
    list_select_related = ["event", "subscription"]
    search_fields = ["subscription__url"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    readonly_fields = [
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "give_up_at",
        "response_code",
        "last_error",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The log is read, never edited; "change" is asked of redelivering.
        return obj is None and super().has_change_permission(request)

    @admin.action(description="Redeliver the selected deliveries", permissions=["change"])
    def redeliver(self, request, queryset):
        count = webhooks.redeliver(queryset)
        self.message_user(request, f"{count} delivery(ies) queued to be sent again.", messages.SUCCESS)
