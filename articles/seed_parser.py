"""Parse the scraped news pages in ``seeds/`` into plain dataclasses, and render them back.

A page is a sequence of blocks separated by blank lines. In order, with everything but the
headline and the body optional::

    Breaking News:              a ticker: the marker block, then the item (the pair may repeat)
    <item>
    <headline>                  one block
    <paragraph> ...             the body: one or more blocks
    By NAME [for PUBLISHER]     the byline
    More Top Reads From X       footer boilerplate, dropped (X is the publisher)
    Back to homepage
    Loading ...
    « Previous: <headline>      navigation
    Next: <headline> »
    <name>                      the author box: the name, then the bio ending in a "More" link
    <bio> More

The tail is recognised from the end of the page: the author box, then footer and navigation
blocks in any order, then the byline; whatever lies between the headline and the tail is the
body, and a page without a headline and one body paragraph is refused. The byline is the last
block before the footer when it is "By " and a name-like phrase (at most eight words, starting
with a capital, no lower-case word but name particles such as "de", "von" or "and", ending in a
letter, digit or ")"), or "By NAME for PUBLISHER" with both parts name-like. So "By RFE/RL" is
a byline and "By the end of the decade, prices doubled." stays in the body.

Every block is whitespace-normalised (line breaks inside a block, non-breaking spaces and runs
of spaces become one space); nothing else is changed, so curly quotes and accents are kept.

This module is pure Python so that the importer, the management command, the benchmarks and
the tests can all use it without Django.
"""

import codecs
import re
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

TICKER_MARKER = "Breaking News:"
FOOTER_BOILERPLATE = ("Back to homepage", "Loading ...")
MAX_NAME_WORDS = 8
# Lower-case words allowed inside a name ("Ursula von der Leyen", "RFE/RL staff").
NAME_PARTICLES = frozenset(
    {
        "al", "and", "bin", "da", "de", "del", "della", "der", "di", "do", "dos", "du", "el",
        "ibn", "la", "le", "staff", "van", "von", "y",
    }
)  # fmt: skip

# The footer and navigation blocks, and the page field each carries (None: boilerplate). A link
# with its headline missing ("« Previous:") is still navigation.
_MARKERS = (
    ("publisher", re.compile(r"More Top Reads From(?: (.*))?")),
    ("previous", re.compile(r"« ?Previous: ?(.*)")),
    ("next", re.compile(r"Next: ?(.*?) ?»")),
    (None, re.compile(r"Back to homepage|Loading ?(?:\.\.\.|…)")),
)


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
    """A parsed page. ``byline`` is without the leading "By "; ``publisher`` comes from the
    footer, else from the byline's "for PUBLISHER"; ``author`` comes from the author box, else
    from the byline's name (with an empty bio)."""

    headline: str
    body: tuple[str, ...]
    ticker: tuple[str, ...] = ()
    byline: str | None = None
    publisher: str | None = None
    previous: str | None = None
    next: str | None = None
    author: SeedAuthor | None = None

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
    line: int
    text: str


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
    """Parse the text of a page; raises SeedParseError when it has no headline or no body."""
    blocks = _blocks(text)
    if not blocks:
        raise SeedParseError("the page is blank")
    ticker, rest = _take_ticker(blocks)
    if not rest:
        raise SeedParseError("the ticker is not followed by a headline", line=blocks[-1].line)
    headline, *rest = rest
    author, rest = _take_author_box(rest)
    fields, rest = _take_markers(rest)
    byline, rest = _take_byline(rest)
    if not rest:
        raise SeedParseError("the headline is not followed by a body paragraph", line=headline.line)
    byline_name, byline_publisher = _split_byline(byline)
    if author is None and byline_name is not None:
        author = SeedAuthor(name=byline_name, bio="")
    return SeedPage(
        headline=headline.text,
        body=tuple(block.text for block in rest),
        ticker=ticker,
        byline=byline,
        publisher=fields.get("publisher") or byline_publisher,
        previous=fields.get("previous"),
        next=fields.get("next"),
        author=author,
    )


def parse_seed_bytes(data: bytes, source: str = "<page>") -> tuple[SeedPage, list[str]]:
    """Decode and parse a page file; errors and warnings name ``source``."""
    text, warnings = decode_seed(data, source)
    try:
        return parse_seed(text), warnings
    except SeedParseError as error:
        raise SeedParseError(error.message, line=error.line, source=source) from error


def render_seed(page: SeedPage) -> str:
    """Write a page back in the page format; ``parse_seed`` gives the same page back.

    The footer boilerplate is always written, so that the author box and the end of the body
    are never mistaken for one another."""
    blocks = [part for item in page.ticker for part in (TICKER_MARKER, item)]
    blocks += [page.headline, *page.body]
    if page.byline is not None:
        blocks.append(f"By {page.byline}")
    byline_name, _ = _split_byline(page.byline)
    byline_author = SeedAuthor(name=byline_name, bio="") if byline_name is not None else None
    author_box = page.author if page.author != byline_author else None
    if page.publisher is not None:
        blocks.append(f"More Top Reads From {page.publisher}")
    blocks += FOOTER_BOILERPLATE
    if page.previous is not None:
        blocks.append(f"« Previous: {page.previous}")
    if page.next is not None:
        blocks.append(f"Next: {page.next} »")
    if author_box is not None:
        blocks += [author_box.name, f"{author_box.bio} More".lstrip()]
    return "\n\n".join(blocks) + "\n"


def _blocks(text: str) -> list[_Block]:
    """Split text into whitespace-normalised blocks, each with the number of its first line."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = []
    for has_text, group in groupby(enumerate(lines, start=1), key=lambda item: bool(item[1].strip())):
        if has_text:
            numbered_lines = list(group)
            words = " ".join(line for _, line in numbered_lines).split()
            blocks.append(_Block(line=numbered_lines[0][0], text=" ".join(words)))
    return blocks


def _take_ticker(blocks: list[_Block]) -> tuple[tuple[str, ...], list[_Block]]:
    ticker = []
    while len(blocks) > 1 and blocks[0].text == TICKER_MARKER:
        ticker.append(blocks[1].text)
        blocks = blocks[2:]
    return tuple(ticker), blocks


def _take_author_box(blocks: list[_Block]) -> tuple[SeedAuthor | None, list[_Block]]:
    """The author box is the last two blocks, name then bio, when neither is footer or
    navigation, the name is not a byline, and either they follow footer or navigation, or the
    bio ends in a "More" link and the name is name-like (see ``_is_name_like``). The "More"
    link is dropped from the bio."""
    if len(blocks) < 2:
        return None, blocks
    name, bio = blocks[-2].text, blocks[-1].text
    if _marker(name) or _marker(bio) or _byline(name):
        return None, blocks
    after_tail = len(blocks) > 2 and _marker(blocks[-3].text) is not None
    trimmed_bio = _without_more_link(bio)
    if after_tail or (trimmed_bio is not None and _is_name_like(name)):
        return SeedAuthor(name=name, bio=bio if trimmed_bio is None else trimmed_bio), blocks[:-2]
    return None, blocks


def _without_more_link(bio: str) -> str | None:
    """The bio without its trailing "More" link, or None when it does not end in one."""
    if bio == "More":
        return ""
    if bio.endswith("More") and not bio[-5].isalnum():
        return bio[:-4].rstrip()
    return None


def _take_markers(blocks: list[_Block]) -> tuple[dict[str, str], list[_Block]]:
    """Drop the footer and navigation blocks at the end, collecting the fields they carry (the
    last non-empty value of each field wins)."""
    fields = {}
    while blocks and (marker := _marker(blocks[-1].text)):
        field, value = marker
        if value:
            fields.setdefault(field, value)
        blocks = blocks[:-1]
    return fields, blocks


def _marker(text: str) -> tuple[str | None, str | None] | None:
    """(field, value) when the block is footer or navigation, else None."""
    for field, pattern in _MARKERS:
        if match := pattern.fullmatch(text):
            return field, match[1] if field else None
    return None


def _take_byline(blocks: list[_Block]) -> tuple[str | None, list[_Block]]:
    """The last block is the byline when it is "By " followed by a name-like phrase, optionally
    "NAME for PUBLISHER" with both parts name-like (see ``_is_name_like``)."""
    if blocks and (byline := _byline(blocks[-1].text)):
        return byline, blocks[:-1]
    return None, blocks


def _byline(text: str) -> str | None:
    """The byline a block states, without its "By ", or None when it is not a byline."""
    byline = text.removeprefix("By ")
    name, _ = _split_byline(byline)
    return byline if byline != text and name is not None else None


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
    words = phrase.split(" ")
    return (
        len(words) <= MAX_NAME_WORDS
        and words[0][:1].isupper()
        and all(word in NAME_PARTICLES or not word[0].islower() for word in words[1:])
        and (phrase[-1].isalnum() or phrase[-1] == ")")
    )
