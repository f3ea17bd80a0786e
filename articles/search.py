"""Reader search: the published articles that match a query, most relevant first, and
highlighted snippets of them.

The index lives in the database (migration 0005), so every write path keeps it current: a
stored ``search_vector`` column on PostgreSQL, an FTS5 table on SQLite. Both index the headline,
the summary and the body's text, stem English words, and weigh a match in the headline above one
in the summary above one in the body. Whatever a reader types is first reduced to plain words,
so it is never read as search syntax and cannot cause an error; the words are then matched
alike on both backends, every word required, and ranked with the same column weights.

Ranking reads every match's index entry, and a common word matches much of the archive, so only
the newest ``MAX_RESULTS`` matches are ranked: a search costs about the same whatever it matches.
Readers who want older articles add words, or use the archive's dates.

The archive's word filter (``headline_matches``) looks only at headlines and summaries, through
an index of its own on PostgreSQL (migration 0011) and the FTS5 table's columns on SQLite.
"""

import html
import re
import string
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article

MAX_QUERY_LENGTH = 500
MAX_RESULTS = 500
MAX_TERMS = 10
MAX_TERM_LENGTH = 50
SNIPPET_WORDS = 36

# Headline, summary, body: PostgreSQL's default weights for A, B and C.
HEADLINE_WEIGHT, DEK_WEIGHT, BODY_WEIGHT = 1.0, 0.4, 0.2

# PostgreSQL's English stop words, which its index leaves out. SQLite's index keeps every word,
# so leaving these out of every query is what makes both backends find the same articles.
STOP_WORDS = frozenset((
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
    "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these",
    "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
    "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while",
    "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before",
    "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again",
    "further", "then", "once", "here", "there", "when", "where", "why", "how", "all", "any", "both", "each",
    "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than",
    "too", "very", "s", "t", "can", "will", "just", "don", "should", "now",
))  # fmt: skip

# A word as both indexes see one: letters and digits; everything else separates words.
WORD = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]+>")

# A light English stemmer for highlighting only; which articles match is the database's call.
SUFFIXES = (
    "ational", "ations", "ation", "ings", "ing", "ions", "ion", "ies", "ers", "er", "ed", "es", "ly", "s", "y", "e",
)  # fmt: skip


def search_terms(query):
    """The distinct words of ``query`` worth searching for, lowercased, at most ``MAX_TERMS``.
    Quotes, operators, brackets and other punctuation only separate words."""
    terms = []
    for word in WORD.findall(query[:MAX_QUERY_LENGTH].lower()):
        if word not in STOP_WORDS and len(word) <= MAX_TERM_LENGTH and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def search_articles(query, queryset=None):
    """The articles of ``queryset`` (by default every published article) that contain every
    word of ``query``: of the newest ``MAX_RESULTS`` of them, the most relevant first, then
    newest first. Empty when the query has no words worth searching for."""
    queryset = Article.objects.published() if queryset is None else queryset
    return rank(queryset, newest_matches(query, queryset)[:MAX_RESULTS], query)


def newest_matches(query, queryset):
    """The ids of the newest ``MAX_RESULTS`` articles of ``queryset`` that contain every word
    of ``query``, newest first, and of one more when there are more; none when the query has
    no words worth searching for."""
    terms = search_terms(query)
    if not terms:
        return []
    backend = BACKENDS[connections[queryset.db].vendor]
    matching = queryset.filter(backend.matches(queryset.model, terms)).select_related(None).prefetch_related(None)
    return list(matching.order_by("-published_at", "-pk").values_list("pk", flat=True)[: MAX_RESULTS + 1])


def rank(queryset, ids, query):
    """The articles of ``queryset`` among ``ids`` (``newest_matches``), most relevant to
    ``query`` first, then newest first."""
    if not ids:
        return queryset.none()
    backend = BACKENDS[connections[queryset.db].vendor]
    ranked = backend.ranked(queryset.filter(pk__in=ids), search_terms(query))
    return ranked.order_by("-search_rank", "-published_at", "-pk")


def headline_matches(queryset, query):
    """The articles of ``queryset`` whose headline or summary contains every word of ``query``
    (in any form: "prices" finds "price"); all of them when the query has no words worth
    searching for."""
    terms = search_terms(query)
    if not terms:
        return queryset
    return queryset.filter(BACKENDS[connections[queryset.db].vendor].headline_matches(queryset.model, terms))


def headline_words(table):
    """PostgreSQL's words of a headline and its summary, as SQL: the expression migration 0011
    indexes, which a query must repeat exactly for the index to serve it. Punctuation becomes
    spaces first, as for the search index (migration 0005)."""
    punctuation = string.punctuation.replace("'", "''")
    spaces = " " * len(string.punctuation)
    return f"to_tsvector('english', translate({table}.headline || ' ' || {table}.dek, '{punctuation}', '{spaces}'))"


class PostgreSQLSearch:
    # Terms are letters and digits only, so quoting them is all the escaping tsquery needs.

    @staticmethod
    def matches(model, terms):
        every_term = " & ".join(f"'{term}'" for term in terms)
        column = f"{model._meta.db_table}.search_vector"
        return RawSQL(f"{column} @@ to_tsquery('english', %s)", [every_term], output_field=BooleanField())

    @staticmethod
    def ranked(queryset, terms):
        any_term = " | ".join(f"'{term}'" for term in terms)
        column = f"{queryset.model._meta.db_table}.search_vector"
        # Ranked on any term so that, as with bm25 on SQLite, each word's occurrences add up
        # (ts_rank scores an AND query by the words' proximity instead), and divided by the
        # logarithm of the article's length, as bm25 favours the shorter of two equal matches.
        rank = RawSQL(
            f"ts_rank(%s::float4[], {column}, to_tsquery('english', %s), 1)",
            [[0.0, BODY_WEIGHT, DEK_WEIGHT, HEADLINE_WEIGHT], any_term],
            output_field=FloatField(),
        )
        return queryset.annotate(search_rank=rank)

    @staticmethod
    def headline_matches(model, terms):
        every_term = " & ".join(f"'{term}'" for term in terms)
        words = headline_words(model._meta.db_table).replace("%", "%%")  # "%" alone would be a placeholder
        return RawSQL(
            f"{words} @@ to_tsquery('english', %s)",
            [every_term],
            output_field=BooleanField(),
        )


class SQLiteSearch:
    # Terms are letters and digits only, so quoting them is all the escaping FTS5 needs.

    @staticmethod
    def _every_term(terms):
        return " ".join(f'"{term}"' for term in terms)

    @classmethod
    def matches(cls, model, terms):
        # The index's matches are read once into a list, without touching the articles; the unary
        # "+" keeps SQLite from fetching and sorting every match, and has it walk the articles
        # newest first instead, stopping at the MAX_RESULTS-th match. At worst (a word in no
        # article) that is one pass over an index; sorting a common word's matches costs more.
        return RawSQL(
            f"+{model._meta.db_table}.id IN "
            "(SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s)",
            [cls._every_term(terms)],
            output_field=BooleanField(),
        )

    @classmethod
    def ranked(cls, queryset, terms):
        # extra(), because the ORM cannot join a table it has no model for, and ranking needs the
        # join: bm25() only works in the query that matches. The articles are the few candidates,
        # each looked up in the index by rowid.
        # bm25() is lower for better matches; negated so that both backends sort on -search_rank.
        table = queryset.model._meta.db_table
        return queryset.extra(
            select={"search_rank": "-bm25(articles_article_fts, %s, %s, %s)"},
            select_params=[HEADLINE_WEIGHT, DEK_WEIGHT, BODY_WEIGHT],
            tables=["articles_article_fts"],
            where=[f"articles_article_fts.rowid = {table}.id", "articles_article_fts MATCH %s"],
            params=[cls._every_term(terms)],
        )

    @classmethod
    def headline_matches(cls, model, terms):
        return RawSQL(
            f"{model._meta.db_table}.id IN "
            "(SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s)",
            [f"{{headline dek}} : ({cls._every_term(terms)})"],
            output_field=BooleanField(),
        )


BACKENDS = {"postgresql": PostgreSQLSearch, "sqlite": SQLiteSearch}


def _stem(word):
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # running → runn → run
    return word


class Highlighter:
    """Marks the words of a text that match the search terms, allowing for inflection:
    "elections" marks "election" and "Elected"."""

    def __init__(self, terms):
        self.stems = {_stem(term) for term in terms}

    def matches(self, text):
        return any(_stem(word) in self.stems for word in WORD.findall(text))

    def highlight(self, text):
        """``text`` escaped, each matching word in ``<mark>``."""
        parts, end = [], 0
        for word in WORD.finditer(text):
            if _stem(word.group()) in self.stems:
                parts += [escape(text[end : word.start()]), "<mark>", escape(word.group()), "</mark>"]
                end = word.end()
        parts.append(escape(text[end:]))
        return mark_safe("".join(parts))  # every piece of text went through escape()

    def snippet(self, article):
        """About ``SNIPPET_WORDS`` words of the body around its first match, or the summary
        when only the headline or summary matches, highlighted."""
        words = html.unescape(TAG.sub(" ", article.body)).split()
        first = next((place for place, word in enumerate(words) if self.matches(word)), None)
        if first is None and article.dek:
            return self.highlight(article.dek)
        start = max(0, (first or 0) - SNIPPET_WORDS // 3)
        end = start + SNIPPET_WORDS
        text = " ".join(words[start:end])
        return self.highlight(f"{'… ' if start else ''}{text}{' …' if end < len(words) else ''}")


@dataclass(frozen=True)
class SearchResult:
    article: Article
    headline: SafeString
    snippet: SafeString


def search_results(articles, query):
    """``articles`` (a page of ``search_articles``) with their headlines and snippets highlighted."""
    highlighter = Highlighter(search_terms(query))
    return [
        SearchResult(article, highlighter.highlight(article.headline), highlighter.snippet(article))
        for article in articles
    ]
