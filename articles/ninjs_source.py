"""Read an IPTC ninjs item (News in JSON, 1.x to 3.x) as the page ``articles.seed_parser`` would
have parsed, so that ``import_seeds`` imports ``*.json`` files as it imports text pages.

What comes from where (property names in any case: 2.x spells them in lower case, 3.x in camel
case; 1.x's single ``headline`` and ``body_html``/``body_text`` are read too):

- the headline: the ``headlines`` entry with role main, else the first;
- the body: the main body (roles main, richtext, plain or none; never corrections and other
  roles), HTML preferred to plain text because it keeps the paragraphs: each paragraph, heading,
  list item or quotation of the HTML is a paragraph, as is each blank-line-separated block of plain
  text. Text only: markup is dropped, the importer escapes and wraps it again;
- the byline: ``by``; the author: the first of ``people`` whose rel is a byline role (writer,
  author, creator…), else the byline's name as for text pages;
- the publisher: the ``infoSources`` entry with role originating (or originator, source,
  publisher), else the byline's "for PUBLISHER" as for text pages.

An item that is not JSON, not an object, has no ``uri`` (every ninjs version requires one), is of
a type other than text, or has no headline or no body paragraph is refused with SeedParseError.
Pure Python, no Django imports, as the text parser.
"""

import json
from html.parser import HTMLParser

from .seed_parser import SeedAuthor, SeedPage, SeedParseError, _split_byline

AUTHOR_RELS = frozenset({"author", "byline", "creator", "reporter", "writer"})
BODY_ROLES = frozenset({"main", "richtext", "plain", "text", ""})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "body_html", "body_xhtml", "html", "xhtml"})
PUBLISHER_ROLES = ("originating", "originator", "source", "publisher")
# Elements whose start or end begins a new paragraph.
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section", "article"}
)


def parse_ninjs_bytes(data: bytes, source: str = "<item>") -> tuple[SeedPage, list[str]]:
    """The page of a ninjs file, and warnings (none yet); errors name ``source``."""
    if not data:
        raise SeedParseError("the file is empty", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SeedParseError(f"ninjs must be UTF-8 ({error.reason} at byte {error.start})", source=source) from None
    if text.isspace():
        raise SeedParseError("the file is blank", source=source)
    try:
        return parse_ninjs(json.loads(text)), []
    except json.JSONDecodeError as error:
        raise SeedParseError(f"not JSON: {error.msg}", line=error.lineno, source=source) from None
    except RecursionError:
        raise SeedParseError("the JSON is nested too deeply to be a ninjs item", source=source) from None
    except SeedParseError as error:
        raise SeedParseError(error.message, source=source) from error


def parse_ninjs(item) -> SeedPage:
    """The page of a decoded ninjs item; raises SeedParseError when it cannot be one."""
    if not isinstance(item, dict):
        raise SeedParseError("not a ninjs item: the JSON is not an object")
    item = _lower_keys(item)
    if not _text(item.get("uri")):
        raise SeedParseError("not a ninjs item: it has no uri")
    if item.get("type", "text") != "text":
        raise SeedParseError(f"a ninjs {item['type']!r} item is not an article (type must be text)")
    headline = _headline(item)
    if not headline:
        raise SeedParseError("the item has no headline")
    body = _body(item)
    if not body:
        raise SeedParseError("the item has no body paragraph")
    byline = _text(item.get("by")).removeprefix("By ") or None
    byline_name, byline_publisher = _split_byline(byline)
    return SeedPage(
        headline=headline,
        body=body,
        byline=byline,
        publisher=_publisher(item) or byline_publisher,
        author=_author(item) or (SeedAuthor(name=byline_name, bio="") if byline_name is not None else None),
    )


def _lower_keys(value):
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _text(value) -> str:
    """``value`` whitespace-normalised as the text parser does; "" when it is not a string."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _entries(item, name):
    """The objects of list property ``name`` (anything else in it is ignored)."""
    value = item.get(name)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _headline(item) -> str:
    headlines = _entries(item, "headlines")
    main = [entry for entry in headlines if entry.get("role") == "main"]
    for entry in main + headlines:
        if headline := _text(entry.get("value")):
            return headline
    return _text(item.get("headline"))


def _body(item) -> tuple[str, ...]:
    bodies = [
        (str(entry.get("contenttype", "")).split(";")[0].strip().lower(), entry.get("value"))
        for entry in _entries(item, "bodies")
        if entry.get("role", "") in BODY_ROLES
    ]
    bodies += [("text/html", item.get(name)) for name in ("body_html", "body_xhtml")]
    bodies.append(("text/plain", item.get("body_text")))
    bodies = [(content_type, value) for content_type, value in bodies if isinstance(value, str) and value.strip()]
    bodies.sort(key=lambda body: body[0] not in HTML_TYPES)  # HTML first, otherwise in order
    for content_type, value in bodies:
        paragraphs = _html_paragraphs(value) if content_type in HTML_TYPES else _plain_paragraphs(value)
        if paragraphs:
            return paragraphs
    return ()


def _plain_paragraphs(text: str) -> tuple[str, ...]:
    blocks = text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    return tuple(paragraph for block in blocks if (paragraph := _text(block)))


class _Paragraphs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs = []
        self.current = []
        self.skipping = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def end_paragraph(self):
        if paragraph := _text("".join(self.current)):
            self.paragraphs.append(paragraph)
        self.current = []


def _html_paragraphs(html: str) -> tuple[str, ...]:
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser.end_paragraph()
    return tuple(parser.paragraphs)


def _author(item) -> SeedAuthor | None:
    for person in _entries(item, "people"):
        if str(person.get("rel", "")).lower() in AUTHOR_RELS and (name := _text(person.get("name"))):
            return SeedAuthor(name=name, bio="")
    return None


def _publisher(item) -> str | None:
    sources = _entries(item, "infosources")
    for role in PUBLISHER_ROLES:
        for source in sources:
            if source.get("role") == role and (name := _text(source.get("name"))):
                return name
    return None
