"""Parse the scraped news pages in ``seeds/`` into plain dataclasses, and render them back.

A page is a sequence of blocks separated by blank lines. In order, with everything but the
headline and the body optional::

    Breaking News:              a ticker: the marker block, then the item (the pair may repeat,
    <item>                      at most MAX_TICKER_ITEMS times)
    <headline>                  one block
    <paragraph> ...             the body: one or more blocks
    By NAME [for PUBLISHER]     the byline
    More Top Reads From X[:]    footer (X is the publisher), then any number of related
    <related headlines>         headlines, one per line or run together; all dropped
    Back to homepage            footer boilerplate, dropped
    Loading ...
    « Previous: <headline>      navigation
    Next: <headline> »
    <name>                      the author box: the name, then the bio ending in a "More" link
    <bio> More

The tail is recognised from the end of the page: the author box, then footer and navigation
blocks in any order. Before those, the tail may start earlier, at "More Top Reads From" (what
follows it must read like related headlines) or at a reader-comments heading ("29 comments",
"Add your comment"; everything after it is comments); the byline is the block just before the
tail, else a byline inside it. Whatever lies between the headline and the tail is the body,
less the page furniture (see ``FURNITURE``): image placeholders, "Related: …" links, "(Click to
enlarge)", divider lines, share prompts, "Advertisement", stray footer blocks.

The byline is "By " and a name-like phrase (at most eight words, starting with a capital, no
lower-case word but name particles such as "de", "von" or "and", ending in a letter, digit or
")"), or "By NAME for PUBLISHER" with both parts name-like, which gives the byline NAME and the
publisher PUBLISHER. So "By RFE/RL" is a byline and "By the end of the decade, prices doubled."
stays in the body.

A page is refused (SeedParseError, naming the problem and the line) when it has no plausible
headline or body: see ``headline_refusal`` and ``menu_refusal``. A page that is plausible but
odd parses with ``doubts``, which the importer turns into warnings and an "In review" status.

Every block is whitespace-normalised (line breaks inside a block, non-breaking spaces and runs
of spaces become one space); nothing else is changed, so curly quotes and accents are kept.
Every step is linear in the size of the page.

This module is pure Python so that the importer, the management command, the benchmarks and
the tests can all use it without Django.
"""

import codecs
import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

TICKER_MARKER = "Breaking News:"
MAX_TICKER_ITEMS = 3
FOOTER_BOILERPLATE = ("Back to homepage", "Loading ...")
MAX_NAME_WORDS = 8
# Lower-case words allowed inside a name ("Ursula von der Leyen", "RFE/RL staff").
NAME_PARTICLES = frozenset(
    {
        "al", "and", "bin", "da", "de", "del", "della", "der", "di", "do", "dos", "du", "el",
        "ibn", "la", "le", "staff", "van", "von", "y",
    }
)  # fmt: skip
# Plausibility: a headline is at most this long, and has fewer words than a sentence.
MAX_HEADLINE_CHARS = 200
SENTENCE_WORDS = 25
# A related headline (or a line of several run together) is at most this long per line.
MAX_RELATED_CHARS = 600
# How many body blocks are searched for another headline when the first block ends in a full stop.
HEADLINE_LOOKAHEAD = 3
# Words a page dump's navigation starts with; compared case-insensitively, without a final colon.
NAVIGATION_WORDS = frozenset(
    {
        "home", "homepage", "menu", "main menu", "open menu", "close menu", "navigation", "search",
        "sections", "sign in", "sign up", "log in", "login", "register", "subscribe", "account",
        "my account", "edition", "accessibility help", "skip to main content", "skip to content",
        "skip to navigation", "news", "sport", "weather", "world", "business", "more",
    }
)  # fmt: skip
# Last words of a headline that end in "." without ending a sentence.
ABBREVIATIONS = frozenset({"co", "corp", "inc", "jr", "ltd", "no", "sr", "st", "vs"})

# The footer and navigation blocks, and the page field each carries (None: boilerplate). A link
# with its headline missing ("« Previous:") is still navigation. "More Top Reads From" is
# matched on the block's first line: related headlines may follow on the next lines.
_PUBLISHER_MARKER = re.compile(r"More Top Reads From(?: (.*)|:)?")
_MARKERS = (
    ("previous", re.compile(r"« ?Previous: ?(.*)")),
    ("next", re.compile(r"Next: ?(.*?) ?»")),
    (None, re.compile(r"Back to homepage|Loading ?(?:\.\.\.|…)")),
)
_COMMENTS_HEADING = re.compile(
    r"\d[\d,.]*k? comments?|(?:add|post|leave|write) (?:your|a) comment|(?:reader )?comments"
    r"(?: \(\d+\))?|(?:show|view|hide) (?:all )?comments|join the (?:conversation|discussion)",
    re.IGNORECASE,
)
_ENLARGE_PROMPT = re.compile(r"\(?(?:click|tap) (?:here )?to enlarge(?: (?:image|chart|photo))?\.?\)?", re.IGNORECASE)
_SHARE_PROMPT = re.compile(r"share(?: this(?: article| story| page)?)?(?: on [\w ]{1,40})?[.:!]?", re.IGNORECASE)
_ADVERTISEMENT = re.compile(r"advertisement|advert|sponsored(?: content)?|ad feedback", re.IGNORECASE)
_DIVIDER_CHARACTERS = frozenset("_-–—=*~·•+#")
_SENTENCE_END = ".!?…\"”'’:;"


class SeedParseError(ValueError):
    """A page that cannot be imported: says what is wrong and, where it applies, at which line."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None):
        self.message = message
        self.line = line
        self.source = source
        where = [part for part in (source, line and f"line {line}") if part]
        super().__init__(": ".join([*where, message]))


@dataclass(frozen=True)
class SeedAuthor:
    name: str
    bio: str


@dataclass(frozen=True)
class SeedPage:
    """A parsed page. ``byline`` is the name after "By " (without any "for PUBLISHER");
    ``publisher`` comes from the footer, else from the byline's "for PUBLISHER"; ``author``
    comes from the author box, else from the byline's name (with an empty bio). ``doubts`` say
    why the page, though plausible, should be read by an editor before it goes live; they are
    not part of the page, so two pages that differ only in doubts are equal."""

    headline: str
    body: tuple[str, ...]
    ticker: tuple[str, ...] = ()
    byline: str | None = None
    publisher: str | None = None
    previous: str | None = None
    next: str | None = None
    author: SeedAuthor | None = None
    doubts: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {
            "ticker": list(self.ticker),
            "headline": self.headline,
            "body": list(self.body),
            "byline": self.byline,
            "publisher": self.publisher,
            "previous": self.previous,
            "next": self.next,
            "author": None if self.author is None else {"name": self.author.name, "bio": self.author.bio},
        }


class _Block(NamedTuple):
    line: int  # the number of its first line
    text: str  # whitespace-normalised
    first: str  # its first line, whitespace-normalised
    lines: int  # how many lines it spans


def decode_seed(data: bytes, source: str = "<page>") -> tuple[str, list[str]]:
    """Decode a page file: UTF-8 (a byte-order mark is dropped), else Windows-1252 with a
    warning naming ``source``. Refuses empty, blank and binary (NUL bytes) files."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise SeedParseError("the file is binary (it contains NUL bytes)", line=line, source=source)
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.removeprefix(codecs.BOM_UTF8).decode("cp1252", errors="replace")
        warnings.append(f"{source}: not valid UTF-8 ({error.reason} at byte {error.start}); decoded as Windows-1252")
    if not text:
        raise SeedParseError("the file is empty", source=source)
    if text.isspace():
        raise SeedParseError("the file is blank", source=source)
    return text, warnings


def parse_seed(text: str) -> SeedPage:
    """Parse the text of a page; raises SeedParseError when it is not plausibly an article."""
    blocks = _blocks(text)
    if not blocks:
        raise SeedParseError("the page is blank")
    ticker, start = _take_ticker(blocks)
    if start == len(blocks):
        raise SeedParseError("the ticker is not followed by a headline", line=blocks[-1].line)
    headline = blocks[start]
    author, end = _take_author_box(blocks, start + 1, len(blocks))
    fields, end = _take_markers(blocks, start + 1, end)
    tail = _find_tail(blocks, start + 1, end)
    body = [block for block in blocks[start + 1 : tail.start] if not is_furniture(block.text)]
    byline = tail.byline
    if body and (stated := _byline(body[-1].text)):
        byline = stated
        body.pop()
    doubts = list(tail.doubts)
    refusal, doubt = headline_refusal(headline, body)
    if refusal:
        raise SeedParseError(refusal, line=headline.line)
    if not body:
        raise SeedParseError("the headline is not followed by a body paragraph", line=headline.line)
    refusal, menu_doubt = menu_refusal(body)
    if refusal:
        raise SeedParseError(refusal, line=body[0].line)
    doubts += [message for message in (doubt, menu_doubt) if message]
    byline_name, byline_publisher = byline or (None, None)
    if author is None and byline_name is not None:
        author = SeedAuthor(name=byline_name, bio="")
    fields = {**tail.fields, **fields}
    return SeedPage(
        headline=headline.text,
        body=tuple(block.text for block in body),
        ticker=ticker,
        byline=byline_name,
        publisher=fields.get("publisher") or byline_publisher,
        previous=fields.get("previous"),
        next=fields.get("next"),
        author=author,
        doubts=tuple(doubts),
    )


def parse_seed_bytes(data: bytes, source: str = "<page>") -> tuple[SeedPage, list[str]]:
    """Decode and parse a page file; errors and warnings name ``source``."""
    text, warnings = decode_seed(data, source)
    try:
        page = parse_seed(text)
    except SeedParseError as error:
        raise SeedParseError(error.message, line=error.line, source=source) from error
    return page, warnings + [f"{source}: {doubt}" for doubt in page.doubts]


def render_seed(page: SeedPage) -> str:
    """Write a page back in the page format; ``parse_seed`` gives the same page back.

    The footer boilerplate is always written, so that the author box and the end of the body
    are never mistaken for one another."""
    blocks = [part for item in page.ticker for part in (TICKER_MARKER, item)]
    blocks += [page.headline, *page.body]
    if page.byline is not None:
        blocks.append(f"By {page.byline}")
    byline_author = SeedAuthor(name=page.byline, bio="") if page.byline is not None else None
    author_box = page.author if page.author != byline_author else None
    if page.publisher is not None:
        blocks.append(f"More Top Reads From {page.publisher}:")
    blocks += FOOTER_BOILERPLATE
    if page.previous is not None:
        blocks.append(f"« Previous: {page.previous}")
    if page.next is not None:
        blocks.append(f"Next: {page.next} »")
    if author_box is not None:
        blocks += [author_box.name, f"{author_box.bio} More".lstrip()]
    return "\n\n".join(blocks) + "\n"


# Plausibility: is this an article at all?


def headline_refusal(headline: _Block, body: list[_Block]) -> tuple[str | None, str | None]:
    """(why the page has no plausible headline, or None; a doubt about the headline, or None).

    The first block is no headline when it has no words, is a site navigation word ("Home",
    "EDITION: U.S.", "Skip to main content"), is longer than MAX_HEADLINE_CHARS, has
    SENTENCE_WORDS words or more, or ends in a full stop and no block just below it reads like
    a headline. A first block that ends in a full stop with such a block below it is a doubt."""
    text = headline.text
    quoted = _quote(text)
    if not any(character.isalnum() for character in text):
        return f"no headline: the first block {quoted} has no words", None
    if is_navigation(text):
        return f"no headline: the page starts with site navigation ({quoted}), not an article", None
    if len(text) > MAX_HEADLINE_CHARS:
        return (
            f"no headline: the first block is a paragraph of {len(text):,} characters "
            f"(a headline has at most {MAX_HEADLINE_CHARS}): {quoted}"
        ), None
    if (words := text.count(" ") + 1) >= SENTENCE_WORDS:
        return f"no headline: the first block is a sentence of {words} words: {quoted}", None
    if ends_in_full_stop(text):
        candidate = next((block for block in body[:HEADLINE_LOOKAHEAD] if could_be_headline(block.text)), None)
        if candidate is None:
            return f"no headline: the first block ends in a full stop like a sentence: {quoted}", None
        return None, (
            f"line {headline.line}: the headline ends in a full stop; "
            f"line {candidate.line} ({_quote(candidate.text)}) may be the real headline"
        )
    return None, None


def menu_refusal(body: list[_Block]) -> tuple[str | None, str | None]:
    """(why the body is a page of site navigation, or None; a doubt about it, or None).

    Refused when more than half of two or more body blocks are menu-like (see
    ``is_menu_like``); a doubt when a quarter of four or more are."""
    menu_like = [block for block in body if is_menu_like(block)]
    if len(menu_like) >= 2 and 2 * len(menu_like) > len(body):
        return (
            f"not an article: {len(menu_like)} of the {len(body)} body blocks are short menu-like lines "
            f"({_quote(menu_like[0].text)} first), as in a page of site navigation"
        ), None
    if len(body) >= 4 and 4 * len(menu_like) >= len(body):
        return None, (
            f"line {menu_like[0].line}: {len(menu_like)} of the {len(body)} body paragraphs are short "
            "menu-like lines; the page may hold site navigation"
        )
    return None, None


def is_navigation(text: str) -> bool:
    """A site navigation word or line: "Home", "Menu", "EDITION: U.S.", "Skip to main content"."""
    key = text.casefold().rstrip(" :")
    return key in NAVIGATION_WORDS or key.startswith(("skip to ", "edition:", "jump to "))


def is_menu_like(block: _Block) -> bool:
    """A block of menu entries: a navigation word, a column of three or more lines of at most
    three words each, or a line of at most four words that does not end like a sentence."""
    text = block.text
    if is_navigation(text):
        return True
    words = text.count(" ") + 1
    if block.lines >= 3:
        return words <= 3 * block.lines
    return words <= 4 and text[-1] not in _SENTENCE_END


def could_be_headline(text: str) -> bool:
    """Reads like a headline: two to SENTENCE_WORDS words, at most MAX_HEADLINE_CHARS
    characters, starting with a capital letter or a digit, not ending in a full stop, and
    neither navigation, furniture nor a byline."""
    words = text.count(" ") + 1
    return (
        2 <= words < SENTENCE_WORDS
        and len(text) <= MAX_HEADLINE_CHARS
        and (text[0].isupper() or text[0].isdigit())
        and not ends_in_full_stop(text)
        and not is_navigation(text)
        and not is_furniture(text)
        and _byline(text) is None
    )


def ends_in_full_stop(text: str) -> bool:
    """Ends in a full stop that ends a sentence: not an ellipsis, nor an abbreviation
    ("in the U.S.", "Acme Inc.", "Plan B.")."""
    if not text.endswith(".") or text.endswith(".."):
        return False
    last_word = text[:-1].rsplit(" ", 1)[-1]
    return not ("." in last_word or len(last_word) == 1 or last_word.casefold() in ABBREVIATIONS)


# Page furniture: blocks that are part of the web page, never of the article.


def is_image_placeholder(text: str) -> bool:
    """What is left of an image in a text dump: a paragraph of nothing but dots."""
    return not text.strip(". …·•")


def is_related_link(text: str) -> bool:
    """A link to another story set in the body: "Related: Oil Prices Climb Again"."""
    return text.casefold().startswith(("related:", "related articles:", "related stories:", "read more:"))


def is_enlarge_prompt(text: str) -> bool:
    """The caption link under a chart: "(Click to enlarge)"."""
    return _ENLARGE_PROMPT.fullmatch(text) is not None


def is_divider(text: str) -> bool:
    """A line drawn with underscores, dashes or the like: "________", "- - -", "***"."""
    characters = set(text.replace(" ", ""))
    return len(text) >= 3 and bool(characters) and characters <= _DIVIDER_CHARACTERS


def is_share_prompt(text: str) -> bool:
    """ "Share this article", "Share", "Share on Facebook"."""
    return _SHARE_PROMPT.fullmatch(text) is not None


def is_advertisement(text: str) -> bool:
    """An advertising slot's label: "Advertisement", "Sponsored content"."""
    return _ADVERTISEMENT.fullmatch(text) is not None


def is_comments_heading(text: str) -> bool:
    """The start of the reader comments: "29 comments", "Add your comment", "Comments (3)"."""
    return _COMMENTS_HEADING.fullmatch(text) is not None


def is_stray_footer(text: str) -> bool:
    """A footer or navigation block away from the end of the page ("Loading ...")."""
    return _PUBLISHER_MARKER.fullmatch(text) is not None or _marker_field(text) is not None


FURNITURE = (
    is_image_placeholder,
    is_related_link,
    is_enlarge_prompt,
    is_divider,
    is_share_prompt,
    is_advertisement,
    is_comments_heading,
    is_stray_footer,
)


def is_furniture(text: str) -> bool:
    """Part of the web page rather than of the article: never body text."""
    return any(rule(text) for rule in FURNITURE)


# The parts of a page.


def _blocks(text: str) -> list[_Block]:
    """Split text into whitespace-normalised blocks, each with the number of its first line."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = []
    for has_text, group in groupby(enumerate(lines, start=1), key=lambda item: bool(item[1].strip())):
        if has_text:
            numbered_lines = list(group)
            joined = " ".join(" ".join(line for _, line in numbered_lines).split())
            first = joined if len(numbered_lines) == 1 else " ".join(numbered_lines[0][1].split())
            blocks.append(_Block(numbered_lines[0][0], joined, first, len(numbered_lines)))
    return blocks


def _take_ticker(blocks: list[_Block]) -> tuple[tuple[str, ...], int]:
    """The ticker items at the top, and the index of the block after them."""
    ticker, index = [], 0
    while index + 1 < len(blocks) and blocks[index].text == TICKER_MARKER:
        if len(ticker) == MAX_TICKER_ITEMS:
            raise SeedParseError(
                f"too many ticker items: a page may carry at most {MAX_TICKER_ITEMS} "
                f"(“{TICKER_MARKER}” blocks), and this one has more",
                line=blocks[index].line,
            )
        ticker.append(blocks[index + 1].text)
        index += 2
    return tuple(ticker), index


def _take_author_box(blocks: list[_Block], start: int, end: int) -> tuple[SeedAuthor | None, int]:
    """The author box is the last two blocks, name then bio, when neither is footer or
    navigation, the name is not a byline, and either they follow footer boilerplate or
    navigation, or the bio ends in a "More" link and the name is name-like (see
    ``_is_name_like``). The "More" link is dropped from the bio. Returns the new end."""
    if end - start < 2:
        return None, end
    name, bio = blocks[end - 2].text, blocks[end - 1].text
    if _is_marker(blocks[end - 2]) or _is_marker(blocks[end - 1]) or _byline(name):
        return None, end
    # After "More Top Reads From" come related headlines, not an author box.
    after_tail = end - start > 2 and _marker_field(blocks[end - 3].text) is not None
    trimmed_bio = _without_more_link(bio)
    if after_tail or (trimmed_bio is not None and _is_name_like(name)):
        return SeedAuthor(name=name, bio=bio if trimmed_bio is None else trimmed_bio), end - 2
    return None, end


def _without_more_link(bio: str) -> str | None:
    """The bio without its trailing "More" link, or None when it does not end in one."""
    if bio == "More":
        return ""
    if bio.endswith("More") and not bio[-5].isalnum():
        return bio[:-4].rstrip()
    return None


def _take_markers(blocks: list[_Block], start: int, end: int) -> tuple[dict[str, str], int]:
    """The footer and navigation blocks at the end, with the fields they carry (the last
    non-empty value of each field wins), and the new end."""
    fields = {}
    while end > start and (marker := _marker(blocks[end - 1])):
        field_name, value = marker
        if value:
            fields.setdefault(field_name, value)
        end -= 1
    return fields, end


class _Tail(NamedTuple):
    start: int
    fields: dict
    byline: tuple[str, str | None] | None
    doubts: list


def _find_tail(blocks: list[_Block], start: int, end: int) -> _Tail:
    """Where the tail starts before ``end``: at "More Top Reads From" when every block after
    it is a related headline, a byline, footer, navigation or furniture; or at a comments
    heading (not the first body block, where it is a count under the headline), after which
    everything is comments. One pass: a "More Top Reads From" followed by text that is none of
    those is body after all (with a doubt), and the search goes on after it."""
    doubts = []
    tail_start, mode, fields, byline = end, None, {}, None
    for index in range(start, end):
        block = blocks[index]
        if mode is None:
            if publisher := _publisher(block):
                tail_start, mode, byline = index, "related", None
                fields = {"publisher": publisher[1]} if publisher[1] else {}
            elif index > start and is_comments_heading(block.text):
                tail_start, mode, fields, byline = index, "comments", {}, None
            continue
        if marker := _marker(block):
            field_name, value = marker
            if value:
                fields[field_name] = value
            mode = "related" if field_name == "publisher" else mode
        elif is_comments_heading(block.text):
            mode = "comments"
        elif stated := _byline(block.text):
            byline = byline or stated
        elif not (mode == "comments" or is_furniture(block.text) or _is_related_headline(block)):
            doubts.append(
                f"line {blocks[tail_start].line}: {_quote(blocks[tail_start].first)} is followed by "
                f"text that does not read like related headlines (line {block.line}); kept as body"
            )
            tail_start, mode, fields, byline = end, None, {}, None
    return _Tail(tail_start, fields, byline, doubts)


def _is_related_headline(block: _Block) -> bool:
    """A headline (or several on one line) linked under "More Top Reads From": not a sentence."""
    return len(block.text) <= MAX_RELATED_CHARS * block.lines and not ends_in_full_stop(block.text)


def _is_marker(block: _Block) -> bool:
    return _marker(block) is not None


def _marker(block: _Block) -> tuple[str | None, str | None] | None:
    """(field, value) when the block is footer or navigation, else None."""
    if publisher := _publisher(block):
        return publisher
    return _marker_field(block.text)


def _marker_field(text: str) -> tuple[str | None, str | None] | None:
    for field_name, pattern in _MARKERS:
        if match := pattern.fullmatch(text):
            return field_name, match[1] if field_name else None
    return None


def _publisher(block: _Block) -> tuple[str, str | None] | None:
    """("publisher", the name or None) when the block's first line is "More Top Reads From
    NAME", with or without a colon. Headlines run on after the colon ("…From Oilprice.com: Oil
    Climbs…") are not part of the name; without a colon, a name of more than MAX_NAME_WORDS
    words is taken to be its first word followed by headlines."""
    match = _PUBLISHER_MARKER.fullmatch(block.first)
    if match is None:
        return None
    name = (match[1] or "").strip()
    if name.endswith(":"):
        name = name[:-1].rstrip()
    elif ": " in name:
        name = name.partition(": ")[0]
    elif name.count(" ") >= MAX_NAME_WORDS:
        name = name.partition(" ")[0]
    return "publisher", name or None


def _byline(text: str) -> tuple[str, str | None] | None:
    """(name, publisher or None) of a byline block, or None when it is not a byline."""
    if not text.startswith("By "):
        return None
    name, publisher = _split_byline(text[3:])
    return None if name is None else (name, publisher)


def _split_byline(byline: str | None) -> tuple[str | None, str | None]:
    """(name, publisher) of "NAME" or "NAME for PUBLISHER"; (None, None) when not name-like."""
    name, _, publisher = (byline or "").partition(" for ")
    if _is_name_like(name) and (not publisher or _is_name_like(publisher)):
        return name, publisher or None
    return None, None


def _is_name_like(phrase: str) -> bool:
    """A byline rule: a short phrase that names someone rather than starting a sentence.

    At most MAX_NAME_WORDS words; the first starts with a capital letter; every other word is
    not lower-case unless it is a name particle ("de", "von", "staff"); and it ends in a letter,
    a digit or ")", never in sentence punctuation. So "RFE/RL", "María José García-López" and
    "Jane Doe (Reuters)" are names, while "the end of the decade, prices doubled." is not.
    """
    if not phrase:
        return False
    words = phrase.split(" ")
    return (
        len(words) <= MAX_NAME_WORDS
        and words[0][:1].isupper()
        and all(word in NAME_PARTICLES or not word[:1].islower() for word in words[1:])
        and (phrase[-1].isalnum() or phrase[-1] == ")")
    )


def _quote(text: str, limit: int = 60) -> str:
    """A block quoted in a message, shortened to ``limit`` characters."""
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
