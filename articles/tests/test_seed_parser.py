"""Tests for the seed page parser: the real seed page, one input file per variation real pages
show, the byline rule, and the files it refuses."""

import json
from pathlib import Path

import pytest

from articles.seed_parser import (
    SeedAuthor,
    SeedPage,
    SeedParseError,
    decode_seed,
    parse_seed,
    parse_seed_bytes,
    render_seed,
)

FILES = Path(__file__).resolve().parent / "files"
REAL_PAGE = Path(__file__).resolve().parents[2] / "seeds" / "000_1d03e6d351da8d54.txt"

JANE_DOE = {"name": "Jane Doe", "bio": "Jane Doe covers energy markets from Houston. She has written for…"}
FULL_PAGE = {
    "ticker": ["Oil Prices Climb Again"],
    "headline": "Refinery Strike Enters Its Third Week",
    "body": [
        "Workers at the Baytown refinery walked out on Monday over pay.",
        "Management said talks would resume on Friday.",
    ],
    "byline": "Jane Doe",
    "publisher": "Oilprice.com",
    "previous": "Gas Storage Hits Record",
    "next": "Coal Demand Slumps",
    "author": JANE_DOE,
}
NAMED_BY_BYLINE_ONLY = {"name": "Jane Doe", "bio": ""}


def parse_file(name):
    return parse_seed_bytes((FILES / name).read_bytes(), source=name)


def test_the_real_seed_page_is_parsed_in_full():
    page, warnings = parse_seed_bytes(REAL_PAGE.read_bytes(), source=REAL_PAGE.name)

    assert warnings == []
    assert page.ticker == ("Asian Oil Imports Dropped in April",)
    assert page.headline == "U.S. Intelligence Claims Russia Is Buying Weapons From North Korea"
    assert len(page.body) == 10
    assert page.body[0].startswith("North Korea's Defense Ministry has denied that it has provided weapons")
    assert page.body[-1] == (
        'Last week, British intelligence analysts said that Russia was "almost certainly increasingly '
        'sourcing weaponry" from Iran and North Korea.'
    )
    assert page.byline == "RFE/RL"
    assert page.publisher == "Oilprice.com"
    assert page.previous == "China Replaces Russia As Dominant Force In Central Asia"
    assert page.next == "Russia Security Chief Threatens Nuclear Option To Protect New Territories"
    assert page.author.name == "RFE/RL staff"
    assert page.author.bio.startswith("RFE/RL journalists report the news in 21 countries")
    assert page.author.bio.endswith("We provide what many…")


def test_the_real_seed_page_renders_back_to_the_same_page():
    page, _ = parse_seed_bytes(REAL_PAGE.read_bytes())

    assert parse_seed(render_seed(page)) == page


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("full_page.txt", {}),
        ("crlf.txt", {}),
        ("bom.txt", {}),
        ("blank_line_runs.txt", {}),
        ("trailing_spaces.txt", {}),
        ("non_breaking_spaces.txt", {}),
        ("no_ticker.txt", {"ticker": []}),
        ("no_byline.txt", {"byline": None}),
        ("no_footer.txt", {"publisher": None}),
        ("no_navigation.txt", {"previous": None, "next": None}),
        ("no_author_box.txt", {"author": NAMED_BY_BYLINE_ONLY}),
        (
            "footer_without_author_box.txt",
            {"ticker": [], "previous": None, "next": None, "author": NAMED_BY_BYLINE_ONLY},
        ),
        (
            "byline_without_footer.txt",
            {"ticker": [], "publisher": None, "previous": None, "next": None, "author": NAMED_BY_BYLINE_ONLY},
        ),
        (
            "byline_for_publisher.txt",
            {
                "ticker": [],
                "byline": "Jane Doe",
                "publisher": "Reuters",
                "previous": None,
                "next": None,
                "author": NAMED_BY_BYLINE_ONLY,
            },
        ),
        (
            "by_phrase_in_body.txt",
            {
                "ticker": [],
                "body": [
                    *FULL_PAGE["body"],
                    "By the end of the decade, the refinery will have closed.",
                ],
                "byline": None,
                "previous": None,
                "next": None,
                "author": None,
            },
        ),
    ],
)
def test_page_variations_parse_to_the_same_fields(name, changes):
    page, warnings = parse_file(name)

    assert warnings == []
    assert page.as_dict() == {**FULL_PAGE, **changes}


def test_curly_quotes_and_accented_names_are_kept():
    page, _ = parse_file("curly_quotes_and_accents.txt")

    assert page == SeedPage(
        ticker=("Zürich’s Bankers “Relieved”",),
        headline="São Paulo Café Owners Say “Enough”",
        body=("“We can’t go on like this,” said Ana Lúcia Gonçalves.",),
        byline="María José García-López",
        author=SeedAuthor(
            name="María José García-López", bio="María José García-López writes about Brazil’s économie…"
        ),
    )


def test_a_file_that_is_not_utf8_is_decoded_as_windows_1252_with_a_warning():
    page, warnings = parse_file("windows_1252.txt")

    assert page.headline == "Café Owners “Fear” New Tax"
    assert page.body == ("“It’s the end,” said Renée Dubé.",)
    assert page.author == SeedAuthor(name="Renée Dubé", bio="")
    assert len(warnings) == 1
    assert warnings[0].startswith("windows_1252.txt: not valid UTF-8")
    assert warnings[0].endswith("decoded as Windows-1252")


def test_a_very_long_body_is_parsed_whole():
    paragraphs = [f"Paragraph {number} of the long read, with “quotes” and détails." for number in range(5000)]
    long_paragraph = " ".join(["word"] * 20_000) + "."
    text = "\n\n".join(["A Very Long Read", *paragraphs, long_paragraph, "By Jane Doe", "Back to homepage"])

    page = parse_seed(text)

    assert page.body == (*paragraphs, long_paragraph)
    assert page.byline == "Jane Doe"


@pytest.mark.parametrize(
    ("last_block", "byline", "publisher"),
    [
        ("By RFE/RL", "RFE/RL", None),
        ("By María José García-López", "María José García-López", None),
        ("By Ursula von der Leyen", "Ursula von der Leyen", None),
        ("By Jane Doe and John Smith", "Jane Doe and John Smith", None),
        ("By Jane Doe (Reuters)", "Jane Doe (Reuters)", None),
        ("By Jane Doe for Oilprice.com", "Jane Doe", "Oilprice.com"),
        ("By the end of the decade, prices had doubled.", None, None),
        ("By Friday, the talks had collapsed.", None, None),
        ("By Then All Nine Members Of The Board Had Resigned Together", None, None),
        ("By Jane Doe.", None, None),
        ("by Jane Doe", None, None),
        ("Byline Jane Doe", None, None),
    ],
)
def test_the_last_short_name_after_by_is_the_byline(last_block, byline, publisher):
    page = parse_seed(f"Headline\n\nThe body.\n\n{last_block}\n")

    assert page.byline == byline
    assert page.publisher == publisher
    assert len(page.body) == (1 if byline else 2)


def test_the_footer_names_the_publisher_before_the_byline_does():
    page = parse_seed("Headline\n\nThe body.\n\nBy Jane Doe for Reuters\n\nMore Top Reads From Oilprice.com\n")

    assert page.publisher == "Oilprice.com"
    assert page.author == SeedAuthor(name="Jane Doe", bio="")


def test_a_page_is_ready_for_json():
    page, _ = parse_file("full_page.txt")

    assert json.loads(json.dumps(page.as_dict())) == FULL_PAGE


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("empty.txt", "empty.txt: the file is empty", None),
        ("blank.txt", "blank.txt: the file is blank", None),
        ("binary.bin", "binary.bin: line 3: the file is binary (it contains NUL bytes)", 3),
        ("headline_only.txt", "headline_only.txt: line 3: the headline is not followed by a body paragraph", 3),
    ],
)
def test_files_without_a_page_are_refused(name, message, line):
    with pytest.raises(SeedParseError) as raised:
        parse_file(name)

    assert str(raised.value) == message
    assert raised.value.line == line


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the page is blank", None),
        ("\ufeff \r\n\u00a0\n", "the page is blank", None),
        ("Breaking News:\n\nOil Prices Climb Again\n", "the ticker is not followed by a headline", 3),
        ("Headline\n\nBy Jane Doe\n\nBack to homepage\n", "the headline is not followed by a body paragraph", 1),
    ],
)
def test_text_without_a_headline_and_body_is_refused(text, message, line):
    with pytest.raises(SeedParseError) as raised:
        parse_seed(text)

    assert raised.value.message == message
    assert raised.value.line == line


def test_decoding_drops_the_byte_order_mark():
    text, warnings = decode_seed("\ufeffHeadline\n".encode())

    assert text == "Headline\n"
    assert warnings == []
