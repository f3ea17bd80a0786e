"""The one HTML allowlist for article bodies. Every write path (admin, importer, shell,
``save()``) stores only what passes it: no script, no event handler, no ``javascript:`` URL."""

import html
import re

import nh3

# What the editor can produce, and nothing else.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "HardBreak": True,
    "HorizontalRule": True,
    "History": True,
}

_cleaner = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "s", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "hr"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitize_html(value):
    """Return ``value`` with everything outside the allowlist removed."""
    if not value:
        return ""
    cleaned = _cleaner.clean(value).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


# Text at the very start, or right after an opening paragraph tag: what almost every body has.
_OPENS_WITH_TEXT = re.compile(r"(?:<p>)?[^<\s]")


def has_text(value):
    """Whether ``value`` holds any text once its tags are stripped. A body that opens with a
    paragraph's text says so without being parsed, which matters to an import of thousands."""
    # Imported here: the importer's reading worker renders bodies with this module and would
    # otherwise load some 10 MB of Django it never uses.
    from django.utils.html import strip_tags

    return bool(_OPENS_WITH_TEXT.match(value)) or bool(strip_tags(value).strip())


def paragraphs_to_html(paragraphs):
    """Plain-text paragraphs (from the importer) as sanitised HTML."""
    return sanitize_html("".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs))
