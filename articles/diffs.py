"""Readable differences between two versions of an article's content (see ``editing``): words
within a field, paragraphs within the body, entries within the bylines and corrections."""

import re
from difflib import SequenceMatcher

from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe

from authors.models import Author

from .editing import FIELDS, moment
from .models import Article, ArticleAuthor, Correction, Section

COMPARED = [*FIELDS, "bylines", "corrections"]
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre)>", re.IGNORECASE)


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
    return mark_safe(" ".join(parts))  # every word escaped above


def paragraphs(body):
    """The body's paragraphs (and headings, list items, quotes) as plain text."""
    return [text for text in (strip_tags(block).strip() for block in BLOCK_END.split(body or "")) if text]


def _moment(value):
    at = parse_datetime(value) if isinstance(value, str) else value
    return moment(at) if at else ""


def display_value(name, value, *, names=None):
    """``value`` of the content entry ``name`` as an editor reads it, as plain text."""
    if value in (None, "", []):
        return ""
    if name == "section":
        return str(Section.objects.filter(pk=value).first() or f"(deleted section #{value})")
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else value
    if name in ("published_at", "expires_at"):
        return _moment(value)
    if name == "body":
        return "\n\n".join(paragraphs(value))
    if name == "bylines":
        return ", ".join(_entries(name, value, names))
    if name == "corrections":
        return "\n".join(_entries(name, value, names))
    return str(value)


def _entries(name, rows, names=None):
    if name == "bylines":
        names = (
            names
            if names is not None
            else dict(Author.objects.filter(pk__in=[r["author"] for r in rows]).values_list("pk", "name"))
        )
        roles = dict(ArticleAuthor.Role.choices)
        entries = []
        for row in rows:
            author, role = row["author"], row["role"]
            entry = names.get(author) or f"(deleted author #{author})"
            if role != ArticleAuthor.Role.WRITER:
                entry += f" ({roles.get(role, role).lower()})"
            entries.append(entry)
        return entries
    kinds = dict(Correction.Kind.choices)
    return [f"{kinds.get(row['kind'], row['kind'])}, {_moment(row['published_at'])}: {row['text']}" for row in rows]


def _list_diff(old, new):
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    items = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items += [("same", entry) for entry in old[i1:i2]]
            continue
        items += [("removed", entry) for entry in old[i1:i2]]
        items += [("added", entry) for entry in new[j1:j2]]
    return items


def _paragraph_diff(old, new):
    """Paragraph by paragraph: unchanged ones counted, changed ones word by word."""
    blocks = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            count = i2 - i1
            blocks.append(
                format_html('<p class="unchanged">{} unchanged paragraph{}</p>', count, "" if count == 1 else "s")
            )
        elif tag == "replace" and i2 - i1 == j2 - j1:
            blocks += [format_html("<p>{}</p>", word_diff(a, b)) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            blocks += [format_html('<p class="removed"><del>{}</del></p>', text) for text in old[i1:i2]]
            blocks += [format_html('<p class="added"><ins>{}</ins></p>', text) for text in new[j1:j2]]
    return mark_safe("".join(blocks))  # every block built by format_html


def compare(old, new):
    """The entries that differ between two contents, each with a readable difference."""
    author_ids = {row["author"] for content in (old, new) for row in content.get("bylines") or []}
    names = dict(Author.objects.filter(pk__in=author_ids).values_list("pk", "name"))
    labels = {field.name: field.verbose_name for field in Article._meta.fields}
    labels.update({"bylines": "authors", "corrections": "corrections"})
    changes = []
    for name in COMPARED:
        before, after = old.get(name), new.get(name)
        if (before or None) == (after or None):
            continue
        if name == "body":
            diff = _paragraph_diff(paragraphs(before), paragraphs(after))
        elif name in ("bylines", "corrections"):
            entries = _list_diff(_entries(name, before or [], names), _entries(name, after or [], names))
            diff = format_html(
                '<ul class="entries">{}</ul>',
                format_html_join(
                    "",
                    '<li class="{}">{}</li>',
                    (
                        (
                            kind,
                            format_html("<del>{}</del>", text)
                            if kind == "removed"
                            else format_html("<ins>{}</ins>", text)
                            if kind == "added"
                            else text,
                        )
                        for kind, text in entries
                    ),
                ),
            )
        else:
            diff = word_diff(display_value(name, before), display_value(name, after))
        changes.append({"label": labels[name], "diff": diff})
    return changes
