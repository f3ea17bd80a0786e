"""Word-level comparison of an article revision with the current version, for the admin."""

from datetime import datetime
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

COMPARED_FIELDS = [
    "headline",
    "slug",
    "dek",
    "body",
    "status",
    "published_at",
    "expires_at",
    "section",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "credit_line",
    "source_name",
    "source_url",
]


def word_diff(old, new):
    """HTML marking words removed from ``old`` with <del> and added in ``new`` with <ins>."""
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old_words[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new_words[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))


def _as_text(article, field_name, value):
    field = article._meta.get_field(field_name)
    if value in (None, ""):
        return ""
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(deleted #{value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field_name == "body":
        return strip_tags(str(value).replace("</p>", "</p>\n"))
    if isinstance(value, datetime):
        # To the minute, as editors set times: revisions keep milliseconds, the form seconds.
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    return str(value)


def changed_fields(article, revision_fields):
    """The fields whose value in ``revision_fields`` (a revision's field dict) differs from
    ``article`` now, each with a word diff from the revision to now."""
    changes = []
    for name in COMPARED_FIELDS:
        attname = article._meta.get_field(name).attname
        then = _as_text(article, name, revision_fields.get(attname))
        now = _as_text(article, name, getattr(article, attname))
        if then != now:
            changes.append({"label": article._meta.get_field(name).verbose_name, "diff": word_diff(then, now)})
    return changes
