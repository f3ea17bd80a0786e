"""ninjs items read as pages (articles/ninjs_source.py): plain functions, no database."""

import json
from html import escape
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.ninjs_source import parse_ninjs, parse_ninjs_bytes
from articles.seed_parser import SeedAuthor, SeedPage, SeedParseError

IPTC_EXAMPLES = Path(__file__).resolve().parents[2] / "api" / "tests" / "files" / "ninjs" / "examples"
HEADLINE = "Captain of wrecked cruise ship on trial in Italy"


def item(**properties):
    return {"uri": "urn:example:1", "type": "text", **properties}


def as_bytes(value):
    return json.dumps(value).encode()


@pytest.mark.parametrize("path", sorted(IPTC_EXAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_iptcs_examples_are_read_with_their_paragraphs(path):
    page, warnings = parse_ninjs_bytes(path.read_bytes(), source=path.name)
    assert warnings == []
    assert page.headline == HEADLINE
    assert len(page.body) == 4  # from the rich-text body, which keeps the paragraphs
    assert page.body[0].startswith("GROSSETO, Italy (AP) -- The trial of the captain")
    assert page.body[-1].endswith("capsized. Schettino has denied wrongdoing.")
    # "d'Emilio" is not name-like, so the byline is a credit line, as it would be on a text page.
    assert page.byline == "Paulo Santalucia and Frances d'Emilio"
    assert page.author is None


def test_the_apis_own_ninjs_reads_back_as_the_article():
    exported = item(
        headlines=[{"role": "main", "value": "Refinery  output falls"}],
        bodies=[
            {
                "role": "main",
                "contentType": "text/html",
                "value": "<p>First &amp; <em>foremost</em>.</p>\n<p>Second.</p>",
            },
            {"role": "plain", "contentType": "text/plain", "value": "First & foremost.\n\nSecond."},
            {"role": "correction", "contentType": "text/plain", "value": "An earlier version misspelt a name."},
        ],
        by="Jane Doe and John Roe",
        people=[
            {"name": "Jane Doe", "rel": "writer", "uri": "https://example.com/authors/jane-doe/"},
            {"name": "John Roe", "rel": "reporting"},
        ],
        infoSources=[{"name": "Wire", "role": "credit"}, {"name": "Example News", "role": "originating"}],
    )
    expected = SeedPage(
        headline="Refinery output falls",
        body=("First & foremost.", "Second."),
        byline="Jane Doe and John Roe",
        publisher="Example News",
        author=SeedAuthor(name="Jane Doe", bio=""),
    )
    assert parse_ninjs(exported) == expected
    lower_case = json.loads(
        json.dumps(exported).replace("contentType", "contenttype").replace("infoSources", "infosources")
    )
    assert parse_ninjs(lower_case) == expected  # ninjs 2.2 spells properties in lower case


def test_without_people_the_author_and_publisher_come_from_the_byline_as_for_text_pages():
    page = parse_ninjs(item(headline="A story", body_text="Words.", by="By Jane Doe for Example News"))
    assert (page.byline, page.author, page.publisher) == (
        "Jane Doe for Example News",
        SeedAuthor(name="Jane Doe", bio=""),
        "Example News",
    )


def test_plain_text_bodies_are_split_at_blank_lines():
    page = parse_ninjs(item(headline="A story", bodies=[{"role": "main", "value": "One\nline.\r\n\r\nTwo.\n\n\n"}]))
    assert page.body == ("One line.", "Two.")


def test_html_blocks_are_paragraphs_and_markup_and_scripts_are_dropped():
    html = '<h2>Sub</h2><p>A <a href="x">link</a><br>after</p><ul><li>one</li><li>two</li></ul><script>x()</script>'
    page = parse_ninjs(item(headline="A story", body_html=html))
    assert page.body == ("Sub", "A link", "after", "one", "two")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is blank"),
        (b'{"uri": "caf\xe9"}', "ninjs must be UTF-8"),
        (b'{"uri":\n "x",}', "line 2: not JSON"),
        (b'["not", "an", "item"]', "the JSON is not an object"),
        (b'{"uri": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (as_bytes({"headline": "A story", "body_text": "Words."}), "it has no uri"),
        (as_bytes(item(type="picture", headline="A photo", body_text="Words.")), "'picture' item is not an article"),
        (as_bytes(item(body_text="Words.")), "no headline"),
        (as_bytes(item(headlines=[{"role": "main", "value": "  "}], body_text="Words.")), "no headline"),
        (as_bytes(item(headline="A story")), "no body paragraph"),
        (as_bytes(item(headline="A story", body_html="<p> </p>")), "no body paragraph"),
        (as_bytes(item(headline="A story", bodies=[{"role": "correction", "value": "Fixed."}])), "no body paragraph"),
    ],
)
def test_refusals_say_what_is_wrong_and_name_the_file(data, message):
    with pytest.raises(SeedParseError) as refused:
        parse_ninjs_bytes(data, source="story.json")
    assert str(refused.value).startswith("story.json: ")
    assert message in str(refused.value)


words = st.text(st.characters(categories=["L", "Nd", "P", "S"]), min_size=1, max_size=12)
paragraph = st.lists(words, min_size=1, max_size=8).map(" ".join)


@given(headline=paragraph, body=st.lists(paragraph, min_size=1, max_size=5))
def test_any_paragraphs_read_back_from_html_and_from_plain_text(headline, body):
    html = "".join(f"<p>{escape(text)}</p>" for text in body)
    for bodies in ([{"role": "main", "contentType": "text/html", "value": html}], [{"value": "\n\n".join(body)}]):
        page = parse_ninjs(item(headlines=[{"role": "main", "value": headline}], bodies=bodies))
        assert (page.headline, page.body) == (headline, tuple(body))
