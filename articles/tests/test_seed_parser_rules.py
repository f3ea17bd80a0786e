"""Tests for the parser's rules for real scraped pages: the Oilprice.com tail, page furniture,
and what makes a page plausible. One test per rule, with examples written after real pages."""

from pathlib import Path

import pytest

from articles.seed_parser import (
    MAX_TICKER_ITEMS,
    SeedAuthor,
    SeedParseError,
    could_be_headline,
    ends_in_full_stop,
    is_advertisement,
    is_comments_heading,
    is_divider,
    is_enlarge_prompt,
    is_furniture,
    is_image_placeholder,
    is_navigation,
    is_related_link,
    is_share_prompt,
    is_stray_footer,
    parse_seed,
    parse_seed_bytes,
    render_seed,
)

FILES = Path(__file__).resolve().parent / "files"
RELATED = (
    "Oil Prices Climb as Hurricane Threatens Gulf Production",
    "Exxon's Guyana Output Hits Record High",
    "China's Refiners Slash Runs as Margins Collapse",
)
STORY = "Kazakhstan Pipeline Flows Resume After Storm Damage\n\nFlows resumed on Tuesday after repairs.\n\n"


def parse_file(name):
    return parse_seed_bytes((FILES / name).read_bytes(), source=name)


def refusal(text):
    with pytest.raises(SeedParseError) as raised:
        parse_seed(text)
    return raised.value


# The Oilprice.com tail


def test_the_live_oilprice_layout_keeps_only_the_article():
    page, warnings = parse_file("oilprice_more_top_reads.txt")

    assert warnings == []
    assert page.headline == "U.S. Crude Inventories Fall for a Third Straight Week"
    assert page.body == (
        "Crude oil inventories in the United States fell by 4.2 million barrels in the week to Friday, the Energy "
        "Information Administration said on Wednesday, a larger draw than analysts had expected.",
        "Gasoline inventories rose by 1.1 million barrels, while distillate stocks fell by 0.6 million barrels, "
        "according to the agency.",
        "Oil prices were trading higher on Wednesday afternoon ahead of the data release, with Brent at $84.10.",
    )
    assert page.byline == "Julianne Geiger"
    assert page.publisher == "Oilprice.com"
    assert page.author == SeedAuthor(name="Julianne Geiger", bio="")
    assert (page.previous, page.next) == ("Gas Storage Hits Record", "Coal Demand Slumps")


def test_a_byline_after_run_together_related_headlines_is_the_byline():
    page, _ = parse_file("oilprice_byline_after_footer.txt")

    assert page.byline == "Charles Kennedy"
    assert page.publisher == "Oilprice.com"
    assert page.body == (
        "Flows through the Caspian Pipeline Consortium resumed on Tuesday after two of its three mooring points "
        "were repaired.",
        "The pipeline carries about 1.5 million barrels a day from Kazakhstan to the Black Sea.",
    )


@pytest.mark.parametrize(
    "tail",
    [
        # One headline per block, with and without the colon.
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com:\n\n" + "\n\n".join(RELATED),
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com\n\n" + "\n\n".join(RELATED),
        # One per line, in the marker's block or the next.
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com:\n" + "\n".join(RELATED),
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com\n\n" + "\n".join(RELATED),
        # Run together, on the marker's line or after it.
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com: " + "".join(RELATED),
        "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com:\n\n" + "".join(RELATED),
        # The byline after the footer, and the footer boilerplate after both.
        "More Top Reads From Oilprice.com:\n\n" + "\n\n".join(RELATED) + "\n\nBy Julianne Geiger for Oilprice.com",
        "More Top Reads From Oilprice.com:\n\nBy Julianne Geiger\n\n" + "\n".join(RELATED) + "\n\nBack to homepage",
        # Two related headlines, which are not an author box.
        "By Julianne Geiger\n\nMore Top Reads From Oilprice.com:\n\n" + "\n\n".join(RELATED[:2]),
    ],
)
def test_more_top_reads_and_its_related_headlines_are_dropped_in_every_layout(tail):
    page = parse_seed(STORY + tail)

    assert page.body == ("Flows resumed on Tuesday after repairs.",)
    assert page.byline == "Julianne Geiger"
    assert page.publisher == "Oilprice.com"
    assert page.author == SeedAuthor(name="Julianne Geiger", bio="")
    assert page.doubts == ()


@pytest.mark.parametrize(
    ("byline", "name", "publisher"),
    [
        ("By Julianne Geiger for Oilprice.com", "Julianne Geiger", "Oilprice.com"),
        ("By Irina Slav for Oilprice.com", "Irina Slav", "Oilprice.com"),
        ("By Jane Doe for Le Monde", "Jane Doe", "Le Monde"),
        ("By RFE/RL", "RFE/RL", None),
    ],
)
def test_by_name_for_publisher_gives_the_byline_and_the_publisher(byline, name, publisher):
    page = parse_seed(f"{STORY}{byline}\n")

    assert (page.byline, page.publisher) == (name, publisher)


def test_the_publisher_never_keeps_the_colon():
    page = parse_seed(f"{STORY}More Top Reads From Oilprice.com:\n\n{RELATED[0]}\n")

    assert page.publisher == "Oilprice.com"


def test_more_top_reads_followed_by_sentences_is_body_with_a_doubt():
    text = f"{STORY}More Top Reads From Oilprice.com\n\nThe talks resume on Friday, the union said.\n"

    page = parse_seed(text)

    assert page.body == ("Flows resumed on Tuesday after repairs.", "The talks resume on Friday, the union said.")
    assert page.doubts == (
        "line 5: “More Top Reads From Oilprice.com” is followed by text that does not read like related "
        "headlines (line 7); kept as body",
    )


def test_a_page_with_the_new_tail_renders_back_to_the_same_page():
    page, _ = parse_file("oilprice_more_top_reads.txt")

    assert parse_seed(render_seed(page)) == page


# Reader comments


def test_reader_comments_after_the_article_are_dropped():
    page, _ = parse_file("reader_comments.txt")

    assert page.body[-1] == '"These projects will keep production high into the next decade," the minister said.'
    assert len(page.body) == 2
    assert page.byline == "Tsvetana Paraskova"


def test_a_comment_count_under_the_headline_is_furniture_not_the_start_of_comments():
    page = parse_seed(f"{STORY.split(chr(10))[0]}\n\n12 comments\n\nFlows resumed on Tuesday.\n\nBy Jane Doe\n")

    assert page.body == ("Flows resumed on Tuesday.",)


@pytest.mark.parametrize(
    "text", ["29 comments", "1 comment", "1,204 Comments", "Add your comment", "Comments (3)", "Leave a comment"]
)
def test_is_comments_heading(text):
    assert is_comments_heading(text)


@pytest.mark.parametrize("text", ["Comments from the minister were brief.", "29 comments were filed by Friday."])
def test_sentences_about_comments_are_not_a_comments_heading(text):
    assert not is_comments_heading(text)


# Page furniture: each rule, then all of them in a page


@pytest.mark.parametrize(
    ("rule", "furniture", "text"),
    [
        (is_image_placeholder, [".", "…", ". . ."], ["Oil rose.", "A."]),
        (
            is_related_link,
            ["Related: Saudi Arabia Raises Oil Prices for Asian Buyers", "RELATED: Oil Climbs", "Read more: Gas"],
            ["Related stocks fell 3%.", "Relatedly, gas prices rose."],
        ),
        (
            is_enlarge_prompt,
            ["(Click to enlarge)", "Click to enlarge", "(click to enlarge)", "(Click here to enlarge chart)"],
            ["Click the chart to see the detail.", "(Reuters)"],
        ),
        (is_divider, ["________________", "---", "- - -", "***", "======", "—————"], ["--", "-5%", "Oil — again"]),
        (
            is_share_prompt,
            ["Share this article", "Share", "Share on Facebook", "Share this story:"],
            ["Shares fell 4% on Monday.", "Share prices rose."],
        ),
        (is_advertisement, ["Advertisement", "ADVERTISEMENT", "Sponsored content"], ["Advertisements for jobs."]),
        (is_stray_footer, ["Loading ...", "Back to homepage", "More Top Reads From Oilprice.com:"], ["Loading oil."]),
    ],
)
def test_each_furniture_rule_knows_its_blocks(rule, furniture, text):
    assert all(rule(block) for block in furniture)
    assert not any(rule(block) for block in text)
    assert all(is_furniture(block) for block in furniture)


def test_page_furniture_never_becomes_body_text():
    page, _ = parse_file("oilprice_more_top_reads.txt")

    assert not any(is_furniture(paragraph) for paragraph in page.body)
    assert "(Click to enlarge)" not in page.body
    assert "." not in page.body


# Plausibility: refusals that name the real problem, and doubts


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "navigation_dump.txt",
            "navigation_dump.txt: line 1: no headline: the page starts with site navigation (“Home”), not an article",
        ),
        (
            "menu_body.txt",
            "menu_body.txt: line 3: not an article: 6 of the 7 body blocks are short menu-like lines (“Markets” "
            "first), as in a page of site navigation",
        ),
        (
            "body_only.txt",
            "body_only.txt: line 1: no headline: the first block is a paragraph of 263 characters (a headline has at "
            "most 200): “North Korea's Defense Ministry has denied that it has provi…”",
        ),
        (
            "single_sentence.txt",
            "single_sentence.txt: line 1: no headline: the first block is a paragraph of 263 characters (a headline "
            "has at most 200): “North Korea's Defense Ministry has denied that it has provi…”",
        ),
    ],
)
def test_junk_pages_are_refused_naming_the_real_problem(name, message):
    with pytest.raises(SeedParseError) as raised:
        parse_file(name)

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("EDITION: U.S.\n\nOil rose on Monday.\n", "no headline: the page starts with site navigation", 1),
        ("\n\nSkip to main content\n\nOil rose on Monday.\n", "no headline: the page starts with site navigation", 3),
        ("* * *\n\nOil rose on Monday.\n", "no headline: the first block “* * *” has no words", 1),
        (
            "Oil prices rose on Monday as traders bet that the cartel would keep its output cuts in place for at "
            "least another quarter of the year\n\nMore.\n",
            "no headline: the first block is a sentence of 26 words",
            1,
        ),
        (
            "Oil prices rose on Monday.\n\nTraders said the cuts would hold.\n",
            "no headline: the first block ends in a full stop like a sentence",
            1,
        ),
        ("Breaking News:\n\nA\n\n" * MAX_TICKER_ITEMS + "Breaking News:\n\nD\n\nHeadline\n\nBody.\n", "too many", 13),
    ],
)
def test_pages_without_a_plausible_headline_are_refused_at_the_line(text, message, line):
    error = refusal(text)

    assert error.message.startswith(message)
    assert error.line == line


def test_a_headline_ending_in_a_full_stop_above_another_candidate_is_a_doubt():
    page, warnings = parse_file("headline_with_full_stop.txt")

    assert page.headline == "Exclusive."
    assert warnings == [
        "headline_with_full_stop.txt: line 1: the headline ends in a full stop; line 3 (“Shell Weighs Sale of "
        "Nigerian Onshore Assets”) may be the real headline"
    ]


def test_a_body_with_some_menu_lines_is_a_doubt():
    page = parse_seed("Headline\n\nOne.\n\nTwo.\n\nThree.\n\nMarkets\n")

    assert page.doubts == (
        "line 9: 1 of the 4 body paragraphs are short menu-like lines; the page may hold site navigation",
    )


def test_a_single_headline_block_is_refused_for_lacking_a_body():
    assert refusal("Refinery Strike Enters Its Third Week\n").message == (
        "the headline is not followed by a body paragraph"
    )


@pytest.mark.parametrize(
    "text", ["Home", "EDITION: U.S.", "Skip to main content", "Menu", "Sign in", "Jump to navigation"]
)
def test_is_navigation(text):
    assert is_navigation(text)


@pytest.mark.parametrize(
    ("text", "full_stop"),
    [
        ("Oil prices rose on Monday.", True),
        ("Exclusive.", True),
        ("Oil Output Rises in the U.S.", False),
        ("Shell Sells Stake to Acme Inc.", False),
        ("Waiting for a Deal...", False),
        ("Oil Rises", False),
    ],
)
def test_ends_in_full_stop(text, full_stop):
    assert ends_in_full_stop(text) == full_stop


@pytest.mark.parametrize(
    ("text", "candidate"),
    [
        ("Shell Weighs Sale of Nigerian Onshore Assets", True),
        ("Oil rose.", False),
        ("Home", False),
        ("By Jane Doe", False),
        ("Advertisement", False),
        ("lower-case start of a sentence", False),
    ],
)
def test_could_be_headline(text, candidate):
    assert could_be_headline(text) == candidate
