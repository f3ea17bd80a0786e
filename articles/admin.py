import copy
from functools import partial

import reversion
from csp.constants import NONCE
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from js_asset import Media
from reversion.admin import VersionAdmin
from reversion.models import Version

from newsroom.admin import (
    FORMFIELD_OVERRIDES,
    ChoicesForTheirFormOnly,
    NamedRowsFormSet,
    OfferedLookupsOnly,
    https_formfield,
)
from newsroom.dates import when

from . import editing, presence
from .diffs import compare, display_value
from .html import sanitize_html
from .models import (
    Article,
    ArticleAuthor,
    ArticleConflict,
    ArticleDraft,
    Correction,
    Section,
    SlugRedirect,
    SourceFile,
)
from .views import article_page_context, with_page_data, with_public_links

PUBLISH_PERMISSION = "articles.publish_article"
TIPTAP_BASE_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
KEPT_IMAGE_SALT = "articles.kept-lead-image"
KEPT_IMAGE_HELP = "The image you chose is kept and is saved with the article. Choose another file to replace it."


class ArticleAdminForm(forms.ModelForm):
    """The article form knows who is editing and what the save is for: Save keeps a draft of
    changes of a published article, ``_publish`` makes the form live (for those who may
    publish), ``_review`` sends it to the editors, ``_send_back`` returns it to its reporter.
    The publishing gates report each problem beside its field."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_content = forms.JSONField(widget=forms.HiddenInput, required=False)
    kept_lead_image = forms.CharField(widget=forms.HiddenInput, required=False)
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
        self.fields["base_content"].initial = getattr(self.instance, "base_content", None)
        if "status" in self.fields and not self.user.has_perm(PUBLISH_PERMISSION):
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Article.Status.PUBLISHED
            ]
            self.fields["status"].help_text = "Send the article to review; an editor publishes it."
        if self.is_live and "status" in self.fields:
            self.fields["status"].help_text = (
                "Readers see the published version until you press Publish changes; the status and "
                "times here take effect then."
            )
        kept = self.kept_image_name()
        if kept and "lead_image" in self.fields:
            self.fields["lead_image"].help_text = KEPT_IMAGE_HELP

    @property
    def is_live(self):
        """Whether the article is published (live, scheduled or expired) in the database."""
        return getattr(self.instance, "saved_status", None) == Article.Status.PUBLISHED

    @property
    def intent(self):
        for intent in ("publish", "review", "send_back"):
            if f"_{intent}" in self.data:
                return intent
        return "save"

    @property
    def applies_now(self):
        """Whether this save changes the article itself rather than its draft of changes."""
        return self.intent == "publish" or not self.is_live

    def clean(self):
        cleaned_data = super().clean()
        publisher = self.user.has_perm(PUBLISH_PERMISSION)
        if self.intent in ("publish", "send_back") and not publisher:
            raise ValidationError("Only editors can publish articles or send them back.", code="publish_permission")
        status = cleaned_data.get("status", self.instance.status)
        if not self.is_live:
            status = {"publish": Article.Status.PUBLISHED, "review": Article.Status.REVIEW}.get(self.intent, status)
            status = Article.Status.DRAFT if self.intent == "send_back" else status
        if "status" in self.fields:
            cleaned_data["status"] = status
        if self.applies_now and (status == Article.Status.PUBLISHED or self.is_live) and not publisher:
            raise ValidationError("Only editors can publish or unpublish articles.", code="publish_permission")
        self._keep_image(cleaned_data)
        if self.applies_now and status == Article.Status.PUBLISHED:
            self._check_publishing_gates(cleaned_data)
        return cleaned_data

    def _check_publishing_gates(self, cleaned_data):
        values = {
            name: cleaned_data.get(name, getattr(self.instance, name))
            for name in ("headline", "body", "credit_line", "lead_image_alt")
        }
        probe = Article(**values)
        image = cleaned_data.get("lead_image", self.instance.lead_image)
        probe.lead_image = image or ""
        for field, message in probe.publication_problems(has_authors=self._has_authors()).items():
            self.add_error(field if field in self.fields else None, message)

    def _has_authors(self):
        """Whether the bylines in the submitted inline name anyone, or, where this editor does
        not edit bylines, whether the article has any."""
        if "bylines-TOTAL_FORMS" not in self.data:
            return bool(getattr(self.instance, "working_content", {}).get("bylines"))
        try:
            total = min(int(self.data["bylines-TOTAL_FORMS"]), 1000)
        except ValueError:
            return False
        return any(
            self.data.get(f"bylines-{index}-author") and not self.data.get(f"bylines-{index}-DELETE")
            for index in range(total)
        )

    def kept_image_name(self):
        """The stored name of an image chosen in an earlier, refused submission of this form."""
        value = self.data.get(self.add_prefix("kept_lead_image")) if self.is_bound else None
        try:
            return signing.loads(value, salt=KEPT_IMAGE_SALT) if value else None
        except signing.BadSignature:
            return None

    def _keep_image(self, cleaned_data):
        upload = cleaned_data.get("lead_image")
        if upload is False or isinstance(upload, UploadedFile):
            return  # cleared, or a new file chosen
        kept = self.kept_image_name()
        if kept:
            cleaned_data["lead_image"] = kept
            self.instance.lead_image_width = None

    def keep_upload(self):
        """After a refused submission, store a valid uploaded image and carry its name in the
        form, so that the editor does not have to choose it again."""
        upload = getattr(self, "cleaned_data", {}).get("lead_image")
        if not isinstance(upload, UploadedFile):
            return
        holder = Article()
        holder.lead_image.save(upload.name, upload, save=False)
        self.data = self.data.copy()
        self.data[self.add_prefix("kept_lead_image")] = signing.dumps(holder.lead_image.name, salt=KEPT_IMAGE_SALT)
        self["lead_image"].help_text = self.fields["lead_image"].help_text = KEPT_IMAGE_HELP


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    formset = NamedRowsFormSet
    template = "admin/articles/article/edit_inline/tabular.html"
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"

    def get_extra(self, request, obj=None, **kwargs):
        return len(getattr(obj, "working_content", {}).get("bylines", [])) + 1


class CorrectionInline(admin.StackedInline):
    formfield_overrides = FORMFIELD_OVERRIDES
    model = Correction
    template = "admin/articles/article/edit_inline/stacked.html"
    fields = ["kind", "text", "published_at"]

    def get_extra(self, request, obj=None, **kwargs):
        return len(getattr(obj, "working_content", {}).get("corrections", []))


class StateFilter(admin.SimpleListFilter):
    title = "state now"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", "Live"),
            ("scheduled", "Scheduled"),
            ("expired", "Expired"),
            ("changes", "Live with unpublished changes"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.published(at=now)
        if self.value() == "scheduled":
            return queryset.scheduled(at=now)
        if self.value() == "expired":
            return queryset.filter(status=Article.Status.PUBLISHED, expires_at__lte=now)
        if self.value() == "changes":
            return queryset.filter(status=Article.Status.PUBLISHED, draft__isnull=False)
        return queryset


@admin.register(Article)
class ArticleAdmin(ChoicesForTheirFormOnly, OfferedLookupsOnly, VersionAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = ["headline", "state_display", "section", "author_names", "published_at"]
    list_filter = ["status", StateFilter, "section", "authors", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    # Drafts and articles in review (no publication time yet) first, then newest first.
    ordering = [F("published_at").desc(nulls_first=True), "-pk"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish_now", "unpublish", "send_to_review", "send_back"]
    list_per_page = 50
    history_latest_first = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "dek",
                    "body",
                    "section",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "expires_at"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        ("Credit and source", {"fields": ["credit_line", "source_name", "source_url"]}),
    ]

    def get_queryset(self, request):
        bylines = ArticleAuthor.objects.select_related("author")
        drafts = ArticleDraft.objects.filter(article=OuterRef("pk")).values("status")[:1]
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=bylines))
            .annotate(draft_status=Subquery(drafts))
        )

    def get_object(self, request, object_id, from_field=None):
        """The article with the content its editors work on: the draft of changes if there is
        one (or a revision being reverted to, or a merge to resolve), in memory."""
        article = super().get_object(request, object_id, from_field)
        if article is not None:
            editing.load_working_copy(article, content=getattr(request, "article_content", None))
        return article

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            return [*fields, "body_as_readers_see_it"]
        if not self.has_publish_permission(request):
            fields += ["published_at", "expires_at"]
            if obj is not None and obj.saved_status == Article.Status.PUBLISHED:
                fields.append("status")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            shown = ["body_as_readers_see_it" if name == "body" else name for name in fieldsets[0][1]["fields"]]
            return [(None, {"fields": shown}), *fieldsets[1:]]
        return fieldsets

    @admin.display(description="body")
    def body_as_readers_see_it(self, article):
        return mark_safe(sanitize_html(article.body))  # sanitised by the body's own allowlist

    def view_on_site(self, article):
        """Only where readers can see the article now."""
        return article.get_absolute_url() if Article.objects.published().filter(pk=article.pk).exists() else None

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def _editable_inline_models(self, request, obj):
        return {
            inline.model
            for inline in self.get_inline_instances(request, obj)
            if inline.has_add_permission(request, obj) or inline.has_change_permission(request, obj)
        }

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """Inlines the editor may change start from the working content, not from the rows: the
        form edits the article's content as a whole (a draft, a revision), saved in one go."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if inline.model not in self._editable_inline_models(request, obj if obj and obj.pk else None):
            return kwargs
        kwargs["instance"] = Article()
        content = getattr(obj, "working_content", None)
        if content and request.method != "POST":
            if inline.model is ArticleAuthor:
                kwargs["initial"] = content["bylines"]
            else:
                kwargs["initial"] = [
                    {**row, "published_at": parse_datetime(row["published_at"])} for row in content["corrections"]
                ]
        return kwargs

    def save_model(self, request, obj, form, change):
        """Nothing yet: the article, its bylines and corrections are saved together, as one
        content, in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        article = form.instance
        keep = getattr(article, "working_content", None) or {"bylines": [], "corrections": []}
        editable = self._editable_inline_models(request, article if change else None)
        mine = editing.content_from_form(form, [fs for fs in formsets if fs.model in editable], keep=keep)
        merged_with = self._merge_crossed_edits(request, form, article, mine) if change else None
        if merged_with:
            mine = merged_with.pop("content")
        before = getattr(article, "base_content", None) or {}
        draft = getattr(article, "pending_draft", None)
        # Sent back to whoever sent it to review: the last to save it before this editor.
        sent_back = {"sent_back_at": timezone.now(), "sent_back_by": request.user}
        sent_back["sent_back_to_id"] = draft.saved_by_id if draft else article.updated_by_id
        if form.applies_now:
            editing.save_content(article=article, content=mine, user=request.user)
            if form.intent == "send_back":
                Article.objects.filter(pk=article.pk).update(**sent_back)
        else:
            status = ArticleDraft.Status.REVIEW if form.intent == "review" else ArticleDraft.Status.DRAFT
            editing.save_draft(article=article, content=mine, user=request.user, status=status)
            if form.intent == "send_back":
                ArticleDraft.objects.filter(article=article).update(**sent_back)
        changed = editing.changed_names(before, mine)
        request.article_change_message = self._change_message(form, changed)
        request.article_outcome = self._outcome_message(request, form, article, mine["headline"], merged_with)

    def _merge_crossed_edits(self, request, form, article, mine):
        """If the article (or its draft) was saved since this form was loaded, merge: fields
        only one side changed are taken from that side; fields both changed differently are
        put to the editor (CrossedEdits). Returns what was taken from the other save, or None."""
        current = Article.objects.select_for_update().get(pk=article.pk)
        editing.load_working_copy(current)
        base = editing.well_formed(form.cleaned_data.get("base_content"))
        # "Keep theirs" takes the other editor's value as saved, never one the form sends back:
        # the form's copy could name any value for any field, the status and times included.
        choices = [name for name in editing.MERGED_ONE_BY_ONE if request.POST.get(f"resolve_{name}") == "theirs"]
        mine.update(editing.choose(mine, current.base_content, choices))
        article.version = current.version
        saved_by, saved_at = editing.last_saved(current)
        if form.cleaned_data.get("loaded_version") == current.version:
            self._check_gates_of_taken(form, mine, saved_by, saved_at)
            return None
        merge = editing.merge(base, mine, current.base_content)
        if merge.conflicts:
            raise editing.CrossedEdits(merge, current.base_content, saved_by, saved_at)
        self._check_gates_of_taken(form, merge.content, saved_by, saved_at)
        return {"content": merge.content, "by": saved_by, "at": saved_at, "taken": merge.theirs}

    def _check_gates_of_taken(self, form, content, saved_by, saved_at):
        """The form passed the publishing gates; what was taken since from another editor's save
        (merged in, or chosen) may not: such a save is refused (Unpublishable)."""
        if form.applies_now and content["status"] == Article.Status.PUBLISHED:
            problems = editing.publication_problems(content)
            if problems:
                raise editing.Unpublishable(content, problems, saved_by, saved_at)

    def _change_message(self, form, changed):
        names = [FIELD_LABELS.get(name, name) for name in changed]
        what = f"Changed {', '.join(names)}." if names else "No changes."
        return what if form.applies_now else f"Draft of changes. {what}"

    def _outcome_message(self, request, form, article, headline, merged_with):
        """What became of the save; ``headline`` is the one saved, which a merge or a choice
        between crossed edits may have taken from the other editor."""
        if form.applies_now:
            article.refresh_from_db(fields=["status", "published_at", "expires_at"])
            if form.intent == "send_back":
                message = f"Sent “{headline}” back to its reporter as a draft."
            elif article.status == Article.Status.REVIEW:
                message = f"Sent “{headline}” to review: editors will see it in their queue."
            elif article.status == Article.Status.DRAFT:
                message = (
                    f"“{headline}” is not public: it is a draft again."
                    if form.is_live
                    else f"Saved the draft of “{headline}”. It is not public; "
                    + (
                        "publish it when it is ready."
                        if self.has_publish_permission(request)
                        else "send it to review when it is ready."
                    )
                )
            elif article.state == "Scheduled":
                message = f"Scheduled “{headline}”: it appears on its own on {editing.moment(article.published_at)}."
            elif article.state == "Expired":
                message = f"Saved “{headline}”. It has expired, so readers do not see it."
            elif form.is_live:
                message = f"Published your changes to “{headline}”: readers see them now."
            else:
                message = f"Published “{headline}”: readers see it now."
        elif form.intent == "review":
            message = (
                f"Sent your changes to “{headline}” to review: editors will see them in their queue. "
                "Readers still see the published version."
            )
        elif form.intent == "send_back":
            message = f"Sent the changes to “{headline}” back to the reporter. Readers still see the published version."
        elif self.has_publish_permission(request):
            message = (
                f"Saved your changes to “{headline}” as a draft: readers still see the published version. "
                "Press Publish changes to make them live."
            )
        else:
            message = (
                f"Saved your changes to “{headline}” as a draft: readers still see the published version. "
                "Press Send for review when they are ready; an editor publishes them."
            )
        if merged_with:
            who = (
                merged_with["by"].get_full_name() or merged_with["by"].get_username()
                if merged_with["by"]
                else "Someone"
            )
            taken = (
                ", ".join(FIELD_LABELS.get(name, name) for name in merged_with["taken"]) or "nothing you also changed"
            )
            message = (
                f"{who} saved this article at {editing.moment(merged_with['at'])} while you had it open; "
                f"their changes ({taken}) were kept along with yours. {message}"
            )
        return message

    def construct_change_message(self, request, form, formsets, add=False):
        return getattr(request, "article_change_message", "")

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self._response_after_save(request, obj)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        return self._response_after_save(request, obj)

    def _response_after_save(self, request, article):
        self.message_user(request, request.article_outcome, messages.SUCCESS)
        if "_continue" in request.POST:
            url = reverse("admin:articles_article_change", args=[article.pk])
            return HttpResponseRedirect(
                add_preserved_filters(
                    {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
                )
            )
        return self.response_post_save_change(request, article)

    # The prose editor needs two inline things on the article form: its import map, an inline
    # <script type="importmap"> (browsers load no other kind) that runs under this response's
    # nonce, and the base stylesheet its Tiptap editor injects as a <style> element, allowed by
    # the hash of its fixed text. A django-prose-editor upgrade may change that text and hash;
    # newsroom/tests/browser/test_content_security_policy.py then fails with the new hash.
    @method_decorator(csp_update({"script-src": [NONCE], "style-src": [TIPTAP_BASE_STYLE_HASH]}))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except editing.CrossedEdits as crossed:
            # Nothing was written. Show the merge, with the fields both changed to choose from.
            request.article_content = crossed.merge.content
            who = crossed.saved_by.get_full_name() or crossed.saved_by.get_username() if crossed.saved_by else "Someone"
            self.message_user(
                request,
                f"{who} saved this article at {editing.moment(crossed.saved_at)} while you had it open. "
                "Their changes to other fields are now in the form along with yours; you both changed "
                f"{', '.join(FIELD_LABELS.get(name, name) for name in crossed.merge.conflicts)}: choose "
                "which version of each to keep, then save again. Nothing has been saved yet.",
                messages.WARNING,
            )
            shown = copy.copy(request)
            shown.method = "GET"
            context = {**(extra_context or {}), "conflicts": compare_for_choice(crossed)}
            return super().changeform_view(shown, object_id, form_url, context)
        except editing.Unpublishable as refused:
            # Nothing was written. Show the content as the merge left it; saving it again shows
            # each problem beside its field.
            request.article_content = refused.content
            who = refused.saved_by.get_full_name() or refused.saved_by.get_username() if refused.saved_by else "Someone"
            self.message_user(
                request,
                f"{who} saved this article at {editing.moment(refused.saved_at)} while you had it open, and with "
                f"their changes it cannot be published: {' '.join(refused.problems.values())} Nothing has been "
                "saved yet; their changes are now in the form along with yours.",
                messages.ERROR,
            )
            shown = copy.copy(request)
            shown.method = "GET"
            return super().changeform_view(shown, object_id, form_url, {**(extra_context or {}), "unsaved_merge": True})
        except ArticleConflict as conflict:
            # Lost the race between the form's check and the save: nothing was written.
            self.message_user(request, f"{conflict} Nothing was saved; please reapply your changes.", messages.ERROR)
            return redirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound:
            form.keep_upload()
        context["media"] = Media.from_media(context["media"]).with_nonce(request.csp_nonce)
        context["has_publish_permission"] = self.has_publish_permission(request)
        if obj is not None:
            context["presence"] = presence.notice(article=obj, user=request.user)
        context["is_live"] = obj is not None and obj.saved_status == Article.Status.PUBLISHED
        context["preview_url"] = (
            reverse("admin:articles_article_preview", args=[obj.pk])
            if obj is not None
            else reverse("admin:articles_article_preview_new")
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="state")
    def state_display(self, article):
        state = article.state
        label = f"Scheduled for {when(article.published_at)}" if state == "Scheduled" else state
        badge = format_html('<span class="state state-{}">{}</span>', state.lower().replace(" ", "-"), label)
        if article.draft_status == ArticleDraft.Status.REVIEW:
            return format_html('{} <span class="state state-changes">changes in review</span>', badge)
        if article.draft_status:
            return format_html('{} <span class="state state-changes">unpublished changes</span>', badge)
        return badge

    @admin.display(description="authors")
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all()) or article.credit_line

    def changelist_view(self, request, extra_context=None):
        # Not in one revision for the whole page, as VersionAdmin would: each article an action
        # changes gets a revision of its own (``_save_each``), so a revert can never reach
        # another article.
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def _save_each(self, request, articles, comment):
        for article in articles:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(comment)
                article.updated_by = request.user
                article.save()

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused, to_save = 0, [], []
        now = timezone.now()
        for article in queryset.annotate(byline_count=Count("bylines")):
            problems = article.publication_problems(has_authors=article.byline_count > 0)
            if problems:
                refused.append(f"“{article.headline}”: {' '.join(problems.values())}")
                continue
            if article.state != "Live":
                article.status = Article.Status.PUBLISHED
                article.published_at = now
                article.expires_at = None if article.expires_at and article.expires_at <= now else article.expires_at
                to_save.append(article)
            published += 1
        self._save_each(request, to_save, "Published from the article list.")
        if published:
            self.message_user(request, f"Published {published} article(s): readers see them now.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not published: {reason}", messages.ERROR)

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        articles = list(queryset.exclude(status=Article.Status.DRAFT))
        for article in articles:
            article.status = Article.Status.DRAFT
        self._save_each(request, articles, "Unpublished from the article list.")
        self.message_user(
            request, f"Unpublished {len(articles)} article(s): readers no longer see them.", messages.SUCCESS
        )

    @admin.action(description="Send to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        """Unpublished articles go to review; a published one sends its draft of changes, and
        stays as readers see it."""
        articles = list(queryset.filter(status=Article.Status.DRAFT))
        for article in articles:
            article.status = Article.Status.REVIEW
        self._save_each(request, articles, "Sent to review from the article list.")
        drafts = ArticleDraft.objects.filter(article__in=queryset, article__status=Article.Status.PUBLISHED)
        changes = drafts.exclude(status=ArticleDraft.Status.REVIEW).update(
            status=ArticleDraft.Status.REVIEW,
            saved_at=timezone.now(),
            sent_back_at=None,
            sent_back_by=None,
            sent_back_to=None,
        )
        unchanged = queryset.filter(status=Article.Status.PUBLISHED, draft__isnull=True).count()
        if articles or changes:
            self.message_user(
                request,
                f"Sent to review: {len(articles) + changes} article(s). Editors will see them in their queue.",
                messages.SUCCESS,
            )
        if unchanged:
            self.message_user(
                request,
                f"{unchanged} published article(s) have no unpublished changes to review; they are unchanged.",
                messages.WARNING,
            )

    @admin.action(description="Send back to the reporter", permissions=["publish"])
    def send_back(self, request, queryset):
        articles = list(queryset.filter(status=Article.Status.REVIEW))
        for article in articles:
            article.status = Article.Status.DRAFT
            article.sent_back_at, article.sent_back_by = timezone.now(), request.user
            article.sent_back_to_id = article.updated_by_id
        self._save_each(request, articles, "Sent back to the reporter.")
        changes = ArticleDraft.objects.filter(article__in=queryset, status=ArticleDraft.Status.REVIEW).update(
            status=ArticleDraft.Status.DRAFT,
            sent_back_at=timezone.now(),
            sent_back_by=request.user,
            sent_back_to=F("saved_by"),
        )
        self.message_user(
            request, f"Sent back {len(articles) + changes} article(s) to their reporters as drafts.", messages.SUCCESS
        )

    def get_urls(self):
        urls = [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="articles_article_preview_new"),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/presence/",
                self.admin_site.admin_view(partial(presence.heartbeat, model_admin=self)),
                name="articles_article_presence",
            ),
        ]
        return urls + super().get_urls()

    @method_decorator(never_cache)
    def preview_view(self, request, pk=None):
        """The article exactly as readers would see it, whatever its status: on GET as saved
        (with its draft of changes), on POST as the form being edited holds it, unsaved."""
        article = None
        if pk is not None:
            article = self.get_object(request, str(pk))
            if article is None:
                raise Http404
            if not self.has_view_or_change_permission(request, article):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if article is not None and not self.has_change_permission(request, article):
                raise PermissionDenied
            content, errors = self._content_of_posted_form(request, article)
            if errors:
                return TemplateResponse(
                    request,
                    "admin/articles/article/preview_errors.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.opts,
                        "errors": errors,
                        "title": "Nothing to preview yet",
                    },
                    status=400,
                )
        elif article is None:
            raise Http404
        else:
            content = article.working_content
        shown = editing.with_content(article or Article(pk=0), content)
        shown.previous_neighbour = shown.next_neighbour = None
        with_public_links(shown, timezone.now())
        if article is not None:
            with_data = (
                with_page_data(Article.objects.filter(pk=article.pk), timezone.now())
                .values("previous_neighbour", "next_neighbour")
                .first()
            )
            for name, value in (with_data or {}).items():
                setattr(shown, name, value)
        shown.updated_at = shown.updated_at or timezone.now()
        context = {"article": shown, "preview": True, **article_page_context(shown, request, preview=True)}
        return TemplateResponse(request, "articles/article_detail.html", context)

    def _content_of_posted_form(self, request, article):
        """(content, []) of the article form as posted, or (None, problems), saving nothing."""
        fieldsets = self.get_fieldsets(request, article)
        model_form = self.get_form(request, article, change=article is not None, fields=flatten_fieldsets(fieldsets))
        form = model_form(request.POST, request.FILES, instance=article or Article())
        formsets, _ = self._create_formsets(request, form.instance, change=article is not None)
        if not (form.is_valid() and all_valid(formsets)):
            errors = [
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(messages_)}".lstrip(": ")
                for name, messages_ in form.errors.items()
            ]
            for formset in formsets:
                errors += [str(error) for error in formset.non_form_errors()]
                errors += [
                    f"{formset.model._meta.verbose_name}: {' '.join(e)}" for fe in formset.errors for e in fe.values()
                ]
            return None, errors
        keep = getattr(article, "working_content", None) or {"bylines": [], "corrections": []}
        editable = self._editable_inline_models(request, article)
        return editing.content_from_form(form, [fs for fs in formsets if fs.model in editable], keep=keep), []

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {**(extra_context or {}), "draft": article.pending_draft}
        response = super().history_view(request, object_id, context)
        for action in response.context_data.get("action_list", []):
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """A revision's content (headline, summary, body, image, bylines, credit) loaded into
        the form, to save as the working content: a draft of changes if the article is
        published. The status and the times are never changed by a revert, and no other row
        saved in the same revision is touched."""
        article = get_object_or_404(Article, pk=_int_or_404(unquote(object_id)))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"), pk=version_id
        )
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if request.method == "POST":
            return redirect(change_url)
        editing.load_working_copy(article)
        request.article_content = editing.reverted(article.base_content, editing.revision_content(article, version))
        context = {**(extra_context or {}), "reverting": version, "title": f"Revert “{article}”"}
        return self.changeform_view(request, str(article.pk), change_url, context)

    def compare_view(self, request, pk):
        """Two versions of an article side by side, field by field: any two revisions, the
        saved article ("current") or its draft of changes ("draft")."""
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        sides = [
            self._compare_side(request, article, request.GET.get(name, default))
            for name, default in (("a", ""), ("b", "current"))
        ]
        (old_label, old), (new_label, new) = sides
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "old_label": old_label,
            "new_label": new_label,
            "changes": compare(old, new),
            "title": f"Compare versions of “{article}”",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def _compare_side(self, request, article, key):
        if key == "current":
            return "the saved article", editing.saved_content(article)
        if key == "draft":
            draft = get_object_or_404(ArticleDraft, article=article)
            return f"the draft of changes saved {editing.moment(draft.saved_at)}", draft.content
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"), pk=_int_or_404(key)
        )
        who = version.revision.user.get_username() if version.revision.user else "the importer or the shell"
        return f"the revision of {editing.moment(version.revision.date_created)} by {who}", editing.revision_content(
            article, version
        )

    def _may_recover(self, request):
        return self.has_add_permission(request) and self.has_delete_permission(request)

    def recoverlist_view(self, request, extra_context=None):
        if not self._may_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back one deleted article, with its own bylines and corrections only. It needs
        the rights of the change it makes: adding and deleting, and publishing for an article
        that was published."""
        if not self._may_recover(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(Article), pk=_int_or_404(version_id))
        was_published = version.field_dict.get("status") == Article.Status.PUBLISHED
        if was_published and not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Recovered after it was deleted.")
                article, problems = editing.recover(version=version, user=request.user)
            if problems:
                self.message_user(
                    request,
                    f"Recovered “{article}” as a draft: it cannot be published as it is. {' '.join(problems.values())}",
                    messages.WARNING,
                )
            else:
                self.message_user(request, f"Recovered “{article}” as it was when it was deleted.", messages.SUCCESS)
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "version": version,
            "was_published": was_published,
            "title": f"Recover “{version.object_repr}”",
        }
        return TemplateResponse(request, "admin/articles/article/recover_form.html", context)


FIELD_LABELS = {
    **{field.name: str(field.verbose_name) for field in Article._meta.fields},
    "bylines": "authors",
    "corrections": "corrections",
}


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def compare_for_choice(crossed):
    """Each field both editors changed: the other editor's value beside this editor's."""
    return [
        {
            "name": name,
            "label": FIELD_LABELS.get(name, name),
            "theirs": display_value(name, crossed.theirs.get(name)),
            "mine": display_value(name, crossed.merge.content.get(name)),
        }
        for name in crossed.merge.conflicts
    ]


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
