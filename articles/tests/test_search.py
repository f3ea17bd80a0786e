"""Reader search: what it finds, in what order, what it never shows, and that no input breaks it.
Every test runs on SQLite and on PostgreSQL with the same expectations."""

import importlib
import string
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import search, search_views
from articles.models import Article
from articles.search import Highlighter, search_articles, search_terms
from articles.vocabulary import indexed_words
from newsroom.settings.base import BASE_DIR

from .factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SEED = BASE_DIR / "seeds" / "000_1d03e6d351da8d54.txt"


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def headlines(query):
    return list(search_articles(query).values_list("headline", flat=True))


def indexed_ids(term):
    """The ids the full-text index itself holds for ``term``, whether or not readers may see them."""
    if connection.vendor == "postgresql":
        sql = "SELECT id FROM articles_article WHERE search_vector @@ to_tsquery('english', %s)"
    else:
        sql = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [term])
        return {row[0] for row in cursor.fetchall()}


# The sanitiser and the highlighter.


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("", []),
        ("   ", []),
        ("Oil prices", ["oil", "prices"]),
        ('"Oil" AND (prices*)', ["oil", "prices"]),
        ("headline:oil -gas ^opec", ["headline", "oil", "gas", "opec"]),
        ("NEAR(oil gas, 2)", ["near", "oil", "gas", "2"]),
        ("oil OR gas NOT coal", ["oil", "gas", "coal"]),
        ("the and of", []),
        ("OIL oil Oil", ["oil"]),
        ("snake_case", ["snake", "case"]),
        ("São Paulo 東京 🛢️", ["são", "paulo", "東京"]),
        ("'; DROP TABLE articles_article; --", ["drop", "table", "articles", "article"]),
        ("x" * 51 + " oil", ["oil"]),
    ],
)
def test_search_terms_are_plain_words_without_stop_words(query, terms):
    assert search_terms(query) == terms


def test_search_terms_are_capped():
    assert search_terms(" ".join(f"word{number}" for number in range(50))) == [f"word{number}" for number in range(10)]
    assert search_terms("x" * 100_000) == []


def test_highlighting_marks_inflected_forms_and_escapes_the_rest():
    highlighter = Highlighter(search_terms("elections"))

    marked = highlighter.highlight("Tom & Jerry's <b>Election</b>: Smith elected, electricity off")

    assert marked == (
        "Tom &amp; Jerry&#x27;s &lt;b&gt;<mark>Election</mark>&lt;/b&gt;: Smith <mark>elected</mark>, electricity off"
    )


def test_snippet_is_the_body_text_around_the_first_match():
    body = "<p>" + " ".join(f"w{number}" for number in range(100)) + " <strong>election</strong> &amp; more</p>"
    article = Article(headline="Vote", dek="A summary", body=body)

    snippet = Highlighter(["election"]).snippet(article)

    assert snippet.startswith("… w88 w89")
    assert snippet.endswith("w99 <mark>election</mark> &amp; more")


def test_snippet_falls_back_to_the_summary_then_to_the_opening():
    article = Article(headline="Election night", dek="The count & the results", body="<p>Polls closed.</p>")
    assert Highlighter(["election"]).snippet(article) == "The count &amp; the results"
    article.dek = ""
    assert Highlighter(["election"]).snippet(article) == "Polls closed."


# The index.


def test_a_match_in_the_headline_beats_the_summary_beats_the_body():
    def article(headline="Quiet", dek="Quiet", body="Quiet", *, hours):
        # The same number of words everywhere, so that only where the match is differs.
        return make_article(
            headline=f"{headline} night in Ohio",
            dek=f"{dek} polls closed early",
            body=f"<p>{body} crowds gathered downtown.</p>",
            published_at=hours_ago(hours),
        )

    in_body = article(body="Election", hours=1)
    in_dek = article(dek="Election", hours=2)
    in_headline = article(headline="Election", hours=3)
    article(headline="Electricity", hours=4)

    assert list(search_articles("election")) == [in_headline, in_dek, in_body]


def test_more_mentions_rank_higher():
    for mentions, hours in [(1, 1), (3, 2), (2, 3)]:
        words = ["election"] * mentions + ["vote"] * (6 - mentions)
        make_article(headline=f"{mentions} mentions", body=f"<p>{' '.join(words)}</p>", published_at=hours_ago(hours))

    assert headlines("election") == ["3 mentions", "2 mentions", "1 mentions"]


def test_the_shorter_of_two_equal_matches_ranks_higher():
    make_article(headline="Election night in rural Ohio", published_at=hours_ago(1))
    make_article(headline="Election night", published_at=hours_ago(2))

    assert headlines("election") == ["Election night", "Election night in rural Ohio"]


def test_finds_other_forms_of_a_word():
    make_article(headline="Two elections held", published_at=hours_ago(1))
    make_article(headline="Mayor elected unopposed", published_at=hours_ago(2))
    make_article(headline="Electricity prices rise", published_at=hours_ago(3))

    assert headlines("election") == ["Two elections held", "Mayor elected unopposed"]
    assert headlines("Elections") == headlines("election")


def test_words_joined_by_punctuation_are_found_alike():
    make_article(headline="F-35 jets grounded", dek="The U.S. Air Force acts", body="<p>After COVID-19 (again).</p>")

    for query in ["F-35", "f 35", "35", "U.S. air force", "covid-19", "covid 19"]:
        assert headlines(query) == ["F-35 jets grounded"], query


def test_stop_words_alone_find_nothing():
    make_article(headline="The end of the affair")

    assert headlines("the of") == []
    assert headlines("the affair") == ["The end of the affair"]


def test_every_word_must_match_and_where_they_match_decides_the_order():
    make_article(headline="Gas storage fills", body="<p>Oil prices and gas prices fell.</p>", published_at=hours_ago(1))
    make_article(headline="Oil prices climb", body="<p>Traders were surprised.</p>", published_at=hours_ago(2))
    make_article(headline="Oil output steady", body="<p>Nothing about cost.</p>", published_at=hours_ago(3))

    assert headlines("oil prices") == ["Oil prices climb", "Gas storage fills"]
    assert headlines("prices oil") == headlines("oil prices")


def test_equal_matches_are_newest_first():
    oldest, newest, middle = (
        make_article(headline="Election night", body="<p>Polls closed.</p>", published_at=hours_ago(hours))
        for hours in (3, 1, 2)
    )

    assert list(search_articles("election")) == [newest, middle, oldest]


def test_tags_and_entities_in_the_body_are_not_words():
    make_article(
        headline="A story",
        body='<p>Read <strong>this</strong> &amp; <a href="https://example.com/reuters">that</a>.</p>',
    )

    for query in ["strong", "href", "example", "reuters", "amp", "noopener", "nofollow"]:
        assert headlines(query) == [], query
    assert headlines("read") == ["A story"]


def test_drafts_scheduled_and_expired_articles_are_never_found(client):
    live = make_article(headline="Harbour bridge opens", published_at=hours_ago(1))
    hidden = [
        make_article(headline="Harbour bridge draft", status=Article.Status.DRAFT),
        make_article(headline="Harbour bridge review", status=Article.Status.REVIEW),
        make_article(headline="Harbour bridge scheduled", published_at=timezone.now() + timedelta(hours=1)),
        make_article(headline="Harbour bridge expired", published_at=hours_ago(3), expires_at=hours_ago(2)),
    ]

    assert indexed_ids("harbour") == {live.pk, *(article.pk for article in hidden)}
    assert headlines("harbour bridge") == ["Harbour bridge opens"]
    for query in ["harbour", "draft", "review", "scheduled", "expired"]:
        content = client.get("/search/", {"q": query}).content.decode()
        assert "Harbour bridge draft" not in content
        assert "Harbour bridge review" not in content
        assert "Harbour bridge scheduled" not in content
        assert "Harbour bridge expired" not in content


def test_a_queryset_narrows_the_search():
    sport = make_section(name="Sport")
    make_article(headline="Election of a new coach", section=sport)
    make_article(headline="Election night")

    assert list(search_articles("election", Article.objects.published().filter(section=sport))) == [
        Article.objects.get(section=sport)
    ]


def test_imported_articles_are_found():
    call_command("import_seeds", str(SEED), stdout=StringIO())

    assert headlines("weapons north korea") == ["U.S. Intelligence Claims Russia Is Buying Weapons From North Korea"]


def test_an_edited_article_is_found_by_its_new_words_only():
    article = make_article(headline="Storm warning", body="<p>Winds are rising.</p>")

    article.headline = "Flood warning"
    article.save()
    Article.objects.filter(pk=article.pk).update(body="<p>Rivers are rising.</p>")

    assert headlines("flood") == ["Flood warning"]
    assert headlines("rivers") == ["Flood warning"]
    assert headlines("storm") == []
    assert headlines("winds") == []


def test_a_deleted_article_leaves_the_index():
    kept = make_article(headline="Volcano erupts")
    deleted = make_article(headline="Volcano sleeps")

    deleted.delete()

    assert indexed_ids("volcano") == {kept.pk}


def test_changes_to_other_fields_leave_the_index_alone():
    article = make_article(headline="Glacier retreats")

    Article.objects.filter(pk=article.pk).update(credit_line="Reuters", version=5)

    assert indexed_ids("glacier") == {article.pk}
    assert headlines("glacier") == ["Glacier retreats"]


# The page.


@pytest.mark.parametrize("query", [None, "", "   "])
def test_no_query_shows_the_form_and_no_results(client, query):
    response = client.get("/search/", {} if query is None else {"q": query})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in content
    assert '<label for="search-q">' in content
    assert "No results" not in content
    assert "search-results" not in content


def test_results_link_headlines_with_highlights_and_publication_times(client):
    author = make_author(name="Ada Reporter")
    article = make_article(
        headline="Tom & Jerry's <b>election</b>",
        body="<p>The <strong>election</strong> of 5 &lt; 6 was close.</p>",
        authors=[author],
    )

    response = client.get("/search/", {"q": "elections"})

    content = response.content.decode()
    assert response.status_code == 200
    headline = "Tom &amp; Jerry&#x27;s &lt;b&gt;<mark>election</mark>&lt;/b&gt;"
    assert f'<a href="/articles/{article.slug}/">{headline}</a>' in content
    assert "The <mark>election</mark> of 5 &lt; 6 was close." in content
    assert f'<time datetime="{timezone.localtime(article.published_at).isoformat(timespec="seconds")}">' in content
    assert "Ada Reporter" in content
    assert "1 result for “elections”" in content


def test_no_match_says_so_with_the_query_escaped(client):
    make_article(headline="Election night")

    content = client.get("/search/", {"q": "<i>zebra</i>"}).content.decode()

    assert "No results for “&lt;i&gt;zebra&lt;/i&gt;”." in content
    assert "<i>zebra" not in content


HOSTILE_QUERIES = [
    '"',
    '"election',
    "election\"'",
    "*",
    "election*",
    "*election",
    "NEAR",
    "NEAR(election night)",
    "election NEAR/2 night",
    "-election",
    "election -night",
    "(election",
    "election)",
    "((()))",
    "headline:election",
    "{headline dek}: election",
    "^election",
    "election AND",
    "AND OR NOT",
    "election OR",
    "'",
    "election' OR '1'='1",
    "'; DROP TABLE articles_article; --",
    "election:*",
    "!election & | <-> <2>",
    "%_\\",
    "\\\\",
    "\x00election",
    "<script>alert(1)</script>",
    '{"$ne": null}',
    "x" * 2000,
    "election " * 400,
    "émigrés São Paulo ñandú",
    "東京 選挙",
    "🗳️ election 🗳️",
    "\u202eelection",
    "a" * 3000 + " election",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_query_breaks_the_page(client, query):
    make_article(headline="Election night")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_search_syntax_is_read_as_plain_words():
    make_article(headline="Election night")
    make_article(headline="Election day")

    assert headlines("election -night") == ["Election night"]
    assert headlines('"election" NOT night') == ["Election night"]
    assert headlines("headline:day") == []
    assert headlines("NEAR(election day)") == []


@pytest.mark.parametrize("matching", [1, 50])
def test_the_page_takes_eight_queries_however_many_results(client, django_assert_num_queries, matching):
    section = make_section(name="Politics")
    for number in range(matching):
        make_article(
            headline=f"Election story {number}",
            section=section,
            authors=[make_author(), make_author()],
            published_at=hours_ago(number + 1),
        )

    # The words the last one starts, the authors and the sections the words name, the newest
    # matches, their relevance, the page of them with their sections, their bylines with their
    # authors, and the breaking-news ticker every page shows.
    with django_assert_num_queries(8):
        response = client.get("/search/", {"q": "election"})

    assert response.status_code == 200
    assert len(response.context["results"]) == min(matching, 20)


def test_only_the_newest_matches_are_ranked_and_the_page_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    monkeypatch.setattr(search_views, "MAX_RESULTS", 3)
    make_article(headline="Election election election", published_at=hours_ago(5))
    for hours in (4, 3, 2, 1):
        make_article(headline=f"Story {hours}", body="<p>An election.</p>", published_at=hours_ago(hours))

    response = client.get("/search/", {"q": "election"})

    assert headlines("election") == ["Story 1", "Story 2", "Story 3"]
    assert [result.article.headline for result in response.context["results"]] == ["Story 1", "Story 2", "Story 3"]
    assert "More than 3 results for “election”: the newest 3, most relevant first" in response.content.decode()
    assert client.get("/search/", {"q": "election", "page": 2}).status_code == 404


def test_exactly_as_many_matches_as_are_ranked_says_how_many(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    monkeypatch.setattr(search_views, "MAX_RESULTS", 3)
    for hours in (3, 2, 1):
        make_article(headline=f"Election {hours}", published_at=hours_ago(hours))

    assert "3 results for “election”" in client.get("/search/", {"q": "election"}).content.decode()


def test_results_are_paginated_keeping_the_query(client):
    for number in range(25):
        make_article(headline=f"Election story {number}", published_at=hours_ago(number + 1))

    first = client.get("/search/", {"q": "election"})
    second = client.get("/search/", {"q": "election", "page": 2})

    assert [result.article.headline for result in first.context["results"]] == [
        f"Election story {number}" for number in range(20)
    ]
    assert [result.article.headline for result in second.context["results"]] == [
        f"Election story {number}" for number in range(20, 25)
    ]
    assert 'href="?q=election&amp;page=2"' in first.content.decode()
    assert 'href="?q=election&amp;page=1"' in second.content.decode()
    assert '<ol class="search-results" start="21">' in second.content.decode()
    assert client.get("/search/", {"q": "election", "page": 3}).status_code == 404


# As people type, names, and "Did you mean".


def test_the_last_word_also_finds_the_words_it_starts():
    make_article(headline="Harbour bridge opens", published_at=hours_ago(1))
    make_article(headline="Harbin freezes", published_at=hours_ago(2))
    make_article(headline="Sharp harvest", published_at=hours_ago(3))

    assert set(headlines("harb")) == {"Harbour bridge opens", "Harbin freezes"}
    assert headlines("bridge harb") == ["Harbour bridge opens"]
    assert headlines("harb bridge") == []  # only the last word stands for the words it starts
    assert headlines("harbour bri") == ["Harbour bridge opens"]
    assert headlines("ha") == []  # too short to stand for the words it starts


def test_a_whole_word_is_not_read_as_the_start_of_others():
    make_article(headline="Two elections held", published_at=hours_ago(1))
    make_article(headline="Electricity prices rise", published_at=hours_ago(2))

    assert headlines("election") == ["Two elections held"]
    assert headlines("electri") == ["Electricity prices rise"]


def test_authors_and_sections_are_found_by_name(client):
    priya = make_author(name="Priya Raman")
    ports = make_section(name="Ports", slug="ports")
    make_article(headline="Cranes idle", authors=[priya], published_at=hours_ago(1))
    make_article(headline="Ships wait", section=ports, published_at=hours_ago(2))
    make_article(headline="Raman spectroscopy explained", published_at=hours_ago(3))
    make_article(headline="Unrelated", published_at=hours_ago(4))

    assert set(headlines("Priya Raman")) == {"Cranes idle"}
    assert set(headlines("raman")) == {"Cranes idle", "Raman spectroscopy explained"}
    assert headlines("ports") == ["Ships wait"]
    assert headlines("cranes priya") == ["Cranes idle"]
    assert headlines("cranes ports") == []
    content = client.get("/search/", {"q": "priya ram"}).content.decode()
    assert 'Author: <a href="/authors/priya-raman/">Priya Raman</a>' in content
    assert "Cranes idle" in content
    assert 'Section: <a href="/sections/ports/">Ports</a>' in client.get("/search/", {"q": "port"}).content.decode()


def test_authors_and_sections_without_public_articles_are_not_found_by_name(client):
    dora = make_author(name="Dora Quill")
    desk = make_section(name="Quarry Desk", slug="quarry-desk")
    make_article(headline="Secret plans", authors=[dora], section=desk, status=Article.Status.DRAFT)
    make_article(headline="Quarry reopens", published_at=hours_ago(1))

    content = client.get("/search/", {"q": "dora quill"}).content.decode()
    assert "Dora Quill" not in content.replace("“dora quill”", "")
    assert "dora-quill" not in content
    assert "Secret plans" not in content
    assert "/sections/quarry-desk/" not in client.get("/search/", {"q": "quarry desk"}).content.decode()


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("harbor brige", "harbour bridge"),
        ("Harbour brige", "Harbour bridge"),
        ("the harbour bridgw", "the harbour bridge"),
        ("bridge opend", "bridge opens"),
    ],
)
def test_a_misspelt_query_that_finds_nothing_gets_a_suggestion(client, query, suggested):
    make_article(headline="Harbour bridge opens", body="<p>The new crossing carries trains.</p>")
    make_article(headline="Bride price", body="<p>A custom.</p>")

    response = client.get("/search/", {"q": query})

    content = response.content.decode()
    assert "No results" in content
    assert response.context["suggestion"] == suggested
    assert "Did you mean <a href=" in content
    assert client.get("/search/", {"q": suggested}).context["results"]


@pytest.mark.parametrize("query", ["harbour bridge", "xqzvw", "harbour xqzvw", "zanzibar"])
def test_no_suggestion_when_the_words_are_known_or_nothing_is_near(client, query):
    make_article(headline="Harbour bridge opens")
    make_article(headline="Zanzibar talks collapse", status=Article.Status.DRAFT)
    make_article(headline="Zanzibari talks", status=Article.Status.DRAFT)

    assert client.get("/search/", {"q": query}).context["suggestion"] is None


def test_a_suggestion_never_names_an_unpublished_article_s_words(client):
    make_article(headline="Harbour bridge opens")
    make_article(headline="Zanzibar talks collapse", status=Article.Status.DRAFT)

    response = client.get("/search/", {"q": "zanzibat"})

    assert response.context["suggestion"] is None
    assert "anzibar" not in response.content.decode()


def test_the_nearest_word_is_the_fewest_edits_then_the_most_trigrams_shared():
    assert search.nearest_word("brige", ["bridge", "brie", "bring", "brigade"]) == "bridge"
    assert search.nearest_word("harbor", ["harbour", "harpoon"]) == "harbour"
    assert search.nearest_word("teh", ["the", "ten"]) == "ten"  # "the" is a stop word
    assert search.nearest_word("abcdef", ["uvwxyz"]) is None
    assert search.edit_distance("brdige", "bridge", 2) == 1  # neighbours swapped
    assert search.edit_distance("abcdefgh", "hgfedcba", 2) == 3  # more than the limit, cut short
    assert search.trigram_similarity("brige", "bridge") == pytest.approx(4 / 9)


def test_the_vocabulary_holds_the_indexed_words_lowercased():
    make_article(headline="Harbour Bridge", dek="Opens today", body="<p>The <em>new</em> crossing.</p>")

    words = search.Search("x").backend.words_starting(connection, "cro", 10)
    assert words == ["crossing"]
    assert search.Search("x").backend.words_starting(connection, "bri", 10) == ["bridge"]
    assert search.Search("x").backend.words_starting(connection, "em", 10) == []  # tags are not words


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search_words()")
def test_sqlite_search_words_takes_the_words_computed_beforehand_while_the_block_runs():
    texts = ("Harbour Bridge", "", "<p>The crossing.</p>")
    other = ("Ferry Fares", "", "<p>Rise again.</p>")

    with search.words_given({texts: '["computed"]'}):
        assert search.search_words(*texts) == '["computed"]'
        assert search.search_words(*other) == indexed_words(*other)
    assert search.search_words(*texts) == indexed_words(*texts) == '["bridge", "crossing", "harbour", "the"]'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search_vector")
def test_postgresql_indexes_the_words_it_indexed_before_its_body_text_took_one_pass():
    """Migration 0020 makes the body's text in one regular expression: the same words as the two
    expressions and ``translate()`` of migration 0005, tags, entities and punctuation alike."""
    body = (
        f"<p>F-35s &amp; U.S. jets: {string.punctuation} cost $1,000,000 <em>each</em>&nbsp;(or&#160;more),"
        " x<y, a>b; “quoted” — naïve café: 5%/year & &unknown; <a href='x'>link</a></p><p>Next.</p>"
    )
    article = make_article(headline="Jets: U.S.-built", dek="A dek, with (punctuation)!", body=body)
    before = importlib.import_module("articles.migrations.0005_search")

    def words(text):
        return f"to_tsvector('english', {before.postgresql_words(f'coalesce({text}, {chr(39) * 2})')})"

    vector = (
        f"setweight({words('headline')}, 'A') || setweight({words('dek')}, 'B')"
        f" || setweight({words(before.BODY_TEXT)}, 'C')"
    )
    with connection.cursor() as cursor:  # no parameters: "%" is just a character
        cursor.execute(f"SELECT search_vector::text, ({vector})::text FROM articles_article WHERE id = {article.pk}")
        now, then = cursor.fetchone()
    assert now == then
    assert "'35s':" in now and "'naïv':" in now  # "F-35s" split at the hyphen, accents kept
    assert "'amp'" not in now and "'nbsp'" not in now and "'href'" not in now  # entities and tags are no words


def vocabulary():
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM articles_search_word ORDER BY word")
        return [word for (word,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's insert trigger")
def test_postgresql_takes_the_words_given_instead_of_splitting_the_inserted_texts_again():
    added = {"known"}
    texts = ("Harbour Bridge", "", "<p>The crossing.</p>")
    with search.words_given({texts: '["given", "known", "words"]'}, added=added):
        make_article(headline=texts[0], dek=texts[1], body=texts[2])
    # The trigger left the vocabulary to the writer, who sent the words it had not added before.
    assert vocabulary() == ["given", "words"]
    assert added == {"given", "known", "words"}

    make_article(headline="Ferry fares", body="<p>Rise.</p>")  # outside the block, split as always
    assert vocabulary() == ["fares", "ferry", "given", "rise", "words"]


def test_a_query_that_finds_nothing_takes_ten_queries_with_its_suggestion(client, django_assert_num_queries):
    make_article(headline="Harbour bridge opens")

    # The words the last one starts, the authors and sections named, the newest matches (none,
    # so no relevance to read), the words near the misspelt ones, the suggestion's own first
    # four, and the ticker.
    with django_assert_num_queries(10):
        response = client.get("/search/", {"q": "harbor brige"})

    assert response.context["suggestion"] == "harbour bridge"


def test_no_query_explains_what_to_type(client):
    content = client.get("/search/").content.decode()

    assert "Type one or more words" in content
    assert "<em>harb</em> finds <em>harbour</em>" in content
    assert "No results" not in content


def test_a_query_of_stop_words_only_explains_what_to_type(client):
    content = client.get("/search/", {"q": "the of"}).content.decode()

    assert "Type one or more words" in content
    assert "No results" not in content


def test_snippets_have_no_space_before_punctuation():
    body = (
        '<p>Ships wait at the <a href="/x">harbour</a>, and <strong>cranes</strong>.</p><p>Next <em>day</em>: calm.</p>'
    )
    article = Article(headline="Port", dek="", body=body)

    assert Highlighter(["harbour"]).snippet(article) == (
        "Ships wait at the <mark>harbour</mark>, and cranes. Next day: calm."
    )
