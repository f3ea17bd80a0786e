"""Property tests for the seed page parser: it never fails in an unplanned way, and rendering a
page and parsing it again gives the same page."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.seed_parser import (
    SeedAuthor,
    SeedPage,
    SeedParseError,
    ends_in_full_stop,
    is_furniture,
    is_navigation,
    parse_seed,
    render_seed,
)

NAMES = (
    "RFE/RL",
    "RFE/RL staff",
    "Jane Doe",
    "Irina Slav",
    "María José García-López",
    "Zoë Ångström",
    "Jean-Luc O’Brien",
    "Ursula von der Leyen",
    "Nguyễn Thị Minh Khai",
    "Jane Doe (Reuters)",
)
PUBLISHERS = ("Oilprice.com", "Reuters", "Le Monde", "Süddeutsche Zeitung")

titles = (
    st.text(st.characters(categories=["L", "Nd", "P", "S", "Zs"], exclude_characters="«»"), max_size=40)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
# A body paragraph ends a sentence and is neither furniture nor navigation ("Skip to 0."), so it is
# never a byline, a "More" link or a menu.
paragraphs = st.one_of(
    titles.map(lambda title: f"{title}."),
    st.sampled_from(
        [
            "By the end of the decade, prices had doubled.",
            "By Friday, “nobody” in Zürich believed it.",
            'Moscow has called the U.S. intelligence findings "fake."',
        ]
    ),
).filter(lambda paragraph: not is_furniture(paragraph) and not is_navigation(paragraph))
# A plausible headline: words, not navigation, not a sentence.
headlines = titles.filter(
    lambda title: (
        any(character.isalnum() for character in title)
        and not is_navigation(title)
        and not ends_in_full_stop(title)
        and title != "Breaking News:"
    )
)
capitalised_words = st.builds(
    "{}{}".format,
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZÁÅÆÇÉÎÑÖØÚÜĆŁŚŽΔДЖ"),
    st.text("abcdefghijklmnopqrstuvwxyzßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿćčęłńśźżđ", max_size=8),
)
names = st.one_of(
    st.sampled_from(NAMES), capitalised_words, st.builds("{} {}".format, capitalised_words, capitalised_words)
).filter(lambda name: not name.startswith(("By ", "More Top Reads From ")))
bios = st.one_of(st.just(""), paragraphs, paragraphs.map(lambda bio: f"{bio[:-1]}…"))


@st.composite
def seed_pages(draw):
    """Pages as the parser can return them: the publisher falls back to the byline's, and the
    author to the byline's name."""
    byline_name = draw(st.none() | names)
    byline_publisher = draw(st.none() | st.sampled_from(PUBLISHERS)) if byline_name else None
    byline_author = byline_name and SeedAuthor(name=byline_name, bio="")
    author_box = st.builds(SeedAuthor, name=names, bio=bios)
    return SeedPage(
        headline=draw(headlines),
        body=tuple(draw(st.lists(paragraphs, min_size=1, max_size=4))),
        ticker=tuple(draw(st.lists(titles, max_size=2))),
        byline=byline_name,
        publisher=draw(st.none() | st.sampled_from(PUBLISHERS) | titles) or byline_publisher,
        previous=draw(st.none() | titles),
        next=draw(st.none() | titles),
        author=draw(st.just(byline_author) | author_box),
    )


# What real scraped pages add: the live Oilprice.com footer, page furniture, reader comments,
# site navigation and paragraphs where a headline should be.
REAL_PAGE_PIECES = st.one_of(
    st.sampled_from(PUBLISHERS).map(lambda publisher: f"More Top Reads From {publisher}:"),
    st.lists(titles, min_size=1, max_size=3).map("\n".join),
    st.lists(titles, min_size=1, max_size=3).map("".join),
    st.builds("By {} for {}".format, names, st.sampled_from(PUBLISHERS)),
    st.sampled_from(
        [
            ".",
            "(Click to enlarge)",
            "________________",
            "- - -",
            "Share this article",
            "Advertisement",
            "29 comments",
            "Add your comment",
            "May 4, 2023 at 10:12 am",
            "Home",
            "EDITION: U.S.",
            "Skip to main content",
            "Markets\nEnergy\nCrude Oil\nNatural Gas",
            "Oil prices rose on Monday.",
            " ".join(["It rained all week in the valley, and nobody came."] * 5),
        ]
    ),
    titles.map(lambda title: f"Related: {title}"),
)
FOOTER_AND_NAVIGATION = st.one_of(
    st.sampled_from(PUBLISHERS).map(lambda publisher: f"More Top Reads From {publisher}"),
    st.sampled_from(["Back to homepage", "Loading ...", "Loading…"]),
    titles.map(lambda title: f"« Previous: {title}"),
    titles.map(lambda title: f"Next: {title} »"),
)
PIECES = st.one_of(
    st.just("Breaking News:"),
    titles,
    paragraphs,
    names,
    names.map(lambda name: f"By {name}"),
    st.builds("By {} for {}".format, names, st.sampled_from(PUBLISHERS)),
    bios.map(lambda bio: f"{bio} More"),
    FOOTER_AND_NAVIGATION,
    st.sampled_from(["More", "By", "Next: »", "« Previous:"]),
    st.text(max_size=20),
    REAL_PAGE_PIECES,
)
SEPARATORS = st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\r\n", "\n \n", "\n\u00a0\n\t\n\n", "\r\r", " \n\n\n"])


@st.composite
def page_like_texts(draw):
    """Text laid out like a page, each part optional and any piece of the format possibly
    standing in for a body paragraph, with the variations real pages have."""
    sections = [
        [part for item in draw(st.lists(titles, max_size=2)) for part in ("Breaking News:", item)],
        draw(st.lists(PIECES, max_size=1)),
        draw(st.lists(PIECES, max_size=6)),
        draw(st.lists(PIECES, max_size=1)),
        draw(st.lists(FOOTER_AND_NAVIGATION, max_size=4)),
        draw(st.lists(PIECES, max_size=2)),
    ]
    text = "".join(piece + draw(SEPARATORS) for section in sections for piece in section)
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["\u00a0", "  ", " \t"])))
    return draw(st.sampled_from(["", "\ufeff", "\n\n \n"])) + text


def assert_well_formed(page):
    strings = [
        page.headline,
        *page.body,
        *page.ticker,
        *(value for value in (page.byline, page.publisher, page.previous, page.next) if value is not None),
    ]
    if page.author is not None:
        strings.append(page.author.name)
        assert page.author.bio == " ".join(page.author.bio.split())
    assert page.body
    for string in strings:
        assert string
        assert string == " ".join(string.split())


def assert_no_furniture_in_body(page):
    assert not any(is_furniture(paragraph) for paragraph in page.body)


def parse_or_refusal(text):
    """The parsed page, or the SeedParseError refusing the text; anything else propagates."""
    try:
        return parse_seed(text)
    except SeedParseError as refusal:
        return refusal


@settings(max_examples=2000, deadline=None)
@given(st.one_of(page_like_texts(), st.text()))
# Found by this test: footer inside the body, an author box whose bio reads "By" or "« Previous:".
@example("Headline\n\nOne.\n\nLoading ...\n\nTwo.\n\nThree.\n\nBack to homepage\n")
@example("Headline\n\nBreaking News:\n\nMore Top Reads From Oilprice.com\n\nBreaking News:\n\nBy\n")
@example("Headline\n\nOne.\n\nBack to homepage\n\nBreaking News:\n\n« Previous:\n")
def test_parse_seed_refuses_or_returns_a_well_formed_page_that_renders_back(text):
    page = parse_or_refusal(text)
    if isinstance(page, SeedParseError):
        assert page.message
        return
    assert_well_formed(page)
    assert_no_furniture_in_body(page)
    assert parse_seed(render_seed(page)) == page


@st.composite
def real_page_texts(draw):
    """A story followed by the tail and furniture of a real scraped page, in any order."""
    pieces = [draw(st.sampled_from(["U.S. Crude Inventories Fall", "Home", "Oil rose.", "Exclusive."]))]
    pieces += draw(st.lists(st.one_of(paragraphs, REAL_PAGE_PIECES), min_size=1, max_size=8))
    pieces += draw(st.lists(st.one_of(REAL_PAGE_PIECES, FOOTER_AND_NAVIGATION, PIECES), max_size=8))
    return "".join(piece + draw(SEPARATORS) for piece in pieces)


@settings(max_examples=1500, deadline=None)
@given(real_page_texts())
def test_real_page_layouts_give_a_refusal_with_a_reason_or_a_clean_page(text):
    page = parse_or_refusal(text)
    if isinstance(page, SeedParseError):
        assert page.message
        assert page.line is None or page.line >= 1
        return
    assert_well_formed(page)
    assert_no_furniture_in_body(page)
    assert page.publisher not in {f"{publisher}:" for publisher in PUBLISHERS}
    assert parse_seed(render_seed(page)) == page


@settings(max_examples=2000, deadline=None)
@given(seed_pages())
def test_parsing_a_rendered_page_gives_it_back(page):
    assert parse_seed(render_seed(page)) == page
