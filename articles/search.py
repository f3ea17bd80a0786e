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

As people type, the last word also stands for the words that start with it ("harb" finds
"harbour"), and a word of an author's or a section's name finds their articles ("Priya Raman"
finds what she wrote). Both look up a vocabulary of the indexed words (migration 0014), which
also proposes a spelling when a query finds nothing ("harbor brige": did you mean "harbour
bridge"?): the nearest words by edit distance among those sharing enough trigrams, as
PostgreSQL's ``pg_trgm`` measures them, so that both backends propose the same. A proposal is
made only if it finds public articles. Every lookup is capped, so a search costs about the same
whatever is typed.

The archive's word filter (``headline_matches``) looks only at headlines and summaries, through
an index of its own on PostgreSQL (migration 0011) and the FTS5 table's columns on SQLite.
"""

import html
import json
import re
import string
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from authors.models import Author

from .models import Article, ArticleAuthor, Section
from .vocabulary import TAG, WORD, indexed_words

MAX_QUERY_LENGTH = 500
MAX_RESULTS = 500
MAX_TERMS = 10
MAX_TERM_LENGTH = 50
SNIPPET_WORDS = 36
# The last word stands for the words it starts, when it is this long, at most this many of them.
MIN_PREFIX = 3
MAX_PREFIX_WORDS = 20
# Authors and sections whose names a query's words are looked up in, at most; and shown.
MAX_NAMES = 50
NAMES_SHOWN = 5
# "Did you mean": words nearer than this many edits (fewer for short words), which share
# more than this share of their trigrams (pg_trgm's default threshold for its % operator).
MAX_EDITS, MAX_EDITS_SHORT, SHORT_WORD = 2, 1, 4
MIN_SIMILARITY = 0.3
NEAR_WORDS = 100
MAX_CORRECTED = 3

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

# Where the body's blocks end: their text is separated there, and joined where other tags were
# ("<a>link</a>." reads "link.", not "link .").
BLOCK_END = re.compile(r"</(?:p|h2|h3|h4|li|blockquote|figcaption)>|<br>|<hr>")

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
    search = Search(query, queryset.db)
    return search.rank(queryset, search.newest_matches(queryset)[:MAX_RESULTS])


class Search:
    """One reader's query, read once: its words, the words its last one stands for as a prefix
    and the authors and sections its words name (two or three queries, none without words)."""

    def __init__(self, query, using="default"):
        self.backend = BACKENDS[connections[using].vendor]
        self.using = using
        self.terms = search_terms(query)
        self.alternatives = {term: [term] for term in self.terms}
        self.authors, self.sections = {}, {}
        if not self.terms:
            return
        last = self.terms[-1]
        if len(last) >= MIN_PREFIX:
            started = self.backend.words_starting(connections[using], last, MAX_PREFIX_WORDS)
            self.alternatives[last] += [word for word in started if word != last and word not in STOP_WORDS]
        self.authors = self._names(Author.objects.published())
        self.sections = self._names(Section.objects.published())

    def _names(self, queryset):
        """``{author or section: the query's words it is named by}`` for those of ``queryset``
        whose names hold a word of the query (or, for its last word, a word it starts)."""
        named = queryset.using(self.using).filter(reduce(or_, (Q(name__icontains=term) for term in self.terms)))
        found = {}
        for row in named.order_by("name", "pk").only("name", "slug")[:MAX_NAMES]:
            words = WORD.findall(row.name.lower())
            terms = {term for term in self.terms if any(self._names_word(term, word) for word in words)}
            if terms:
                found[row] = terms
        return found

    def _names_word(self, term, word):
        prefix = term == self.terms[-1] and len(term) >= MIN_PREFIX
        return word == term or (prefix and word.startswith(term))

    @property
    def words(self):
        """Every word the query looks for, its prefix's words included."""
        return [word for words in self.alternatives.values() for word in words]

    def named(self, names):
        """Of ``names`` (``self.authors`` or ``self.sections``), those named by every word, for
        the page to link to, at most ``NAMES_SHOWN``."""
        return [row for row, terms in names.items() if len(terms) == len(self.terms)][:NAMES_SHOWN]

    def condition(self, model):
        """Every word in the article's text, or in one of its authors' names or its section's."""
        groups = [self.alternatives[term] for term in self.terms]
        in_text_only = [group for term, group in zip(self.terms, groups, strict=True) if not self._named(term)]
        condition = Q(self.backend.matches(model, in_text_only)) if in_text_only else Q()
        for term, group in zip(self.terms, groups, strict=True):
            authors, sections = self._named(term, self.authors), self._named(term, self.sections)
            if not (authors or sections):
                continue
            either = Q(self.backend.matches(model, [group]))
            if authors:
                either |= Q(pk__in=ArticleAuthor.objects.filter(author__in=authors).values("article"))
            if sections:
                either |= Q(section__in=sections)
            condition &= either
        return condition

    def _named(self, term, names=None):
        if names is None:
            return self._named(term, self.authors) or self._named(term, self.sections)
        return [row.pk for row, terms in names.items() if term in terms]

    def newest_matches(self, queryset):
        """The ids of the newest ``MAX_RESULTS`` articles of ``queryset`` that match, newest
        first, and of one more when there are more; none when there are no words to look for."""
        if not self.terms:
            return []
        matching = queryset.filter(self.condition(queryset.model)).select_related(None).prefetch_related(None)
        return list(matching.order_by("-published_at", "-pk").values_list("pk", flat=True)[: MAX_RESULTS + 1])

    def rank(self, queryset, ids):
        """The articles of ``queryset`` among ``ids`` (``newest_matches``), most relevant first,
        then newest first. Each one's relevance is read in one query of the index, and given to
        the articles' query as a JSON object: an article found only by a name is ranked 0."""
        if not ids:
            return queryset.none()
        ranks = self.backend.ranks(connections[self.using], queryset.model, ids, self.words)
        column = f"{queryset.model._meta.db_table}.id"
        rank = RawSQL(self.backend.RANK_OF.format(id=column), [json.dumps(ranks)], output_field=FloatField())
        ranked = queryset.filter(pk__in=ids).annotate(search_rank=rank)
        return ranked.order_by("-search_rank", "-published_at", "-pk")

    def suggestion(self, query, queryset):
        """``query`` with its misspelt words replaced by the nearest indexed words, when that
        finds articles of ``queryset``; otherwise None."""
        # Words that are not the start of indexed words, the first few only.
        unknown = [term for term in self.terms if len(self.alternatives[term]) == 1][:MAX_CORRECTED]
        if not unknown:
            return None
        near = self.backend.near_words(connections[self.using], unknown)
        corrections = {}
        for term in unknown:
            if term in near.get(term, ()):
                continue  # a word the index holds
            if nearest := nearest_word(term, near.get(term, ())):
                corrections[term] = nearest
        if not corrections:
            return None
        suggested = WORD.sub(lambda word: corrections.get(word.group().lower(), word.group()), query)
        suggested = " ".join(suggested.split())[:MAX_QUERY_LENGTH]
        return suggested if Search(suggested, self.using).newest_matches(queryset) else None


def nearest_word(term, words):
    """The word of ``words`` nearest ``term``: fewest edits, then most trigrams shared, then in
    alphabetical order; None when none is near enough."""
    limit = MAX_EDITS_SHORT if len(term) <= SHORT_WORD else MAX_EDITS
    scored = []
    for word in words:
        if word in STOP_WORDS or word == term:
            continue
        similarity = trigram_similarity(term, word)
        edits = edit_distance(term, word, limit)
        if similarity > MIN_SIMILARITY and edits <= limit:
            scored.append((edits, -similarity, word))
    return min(scored)[2] if scored else None


def trigrams(word):
    """pg_trgm's trigrams of one word: lowercased, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


def trigram_similarity(one, other):
    """pg_trgm's ``similarity()`` of two words: the share of their trigrams they have in common."""
    mine, theirs = trigrams(one), trigrams(other)
    return len(mine & theirs) / len(mine | theirs)


def edit_distance(one, other, limit):
    """Insertions, deletions, substitutions and swaps of neighbours that turn ``one`` into
    ``other`` (optimal string alignment), or ``limit + 1`` once it is certainly more than ``limit``."""
    if abs(len(one) - len(other)) > limit:
        return limit + 1
    before, previous = None, list(range(len(other) + 1))
    for i, a in enumerate(one, 1):
        current = [i]
        for j, b in enumerate(other, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def headline_matches(queryset, query):
    """The articles of ``queryset`` whose headline or summary contains every word of ``query``
    (in any form: "prices" finds "price"); all of them when the query has no words worth
    searching for."""
    terms = search_terms(query)
    if not terms:
        return queryset
    return queryset.filter(BACKENDS[connections[queryset.db].vendor].headline_matches(queryset.model, terms))


# The vocabulary words of texts about to be inserted, computed beforehand, by (headline, dek,
# body): see ``words_given``.
_computed_words = {}
# Words a writer may add to the vocabulary at once: a group of imported pages holds a few
# thousand new ones.
WORDS_A_STATEMENT = 20_000


@contextmanager
def words_given(words, using="default", *, added=None):
    """Articles inserted while the block runs have their vocabulary words (a JSON array, as
    ``indexed_words`` makes it) in ``words``, by (headline, dek, body); the importer's reading
    worker computes them beside the parsing (articles.seed_files), so that neither this
    process nor the database splits the texts again.

    - SQLite: ``search_words()``, which the insert trigger calls, takes them from there; a text
      that was not computed, or changed since, is split as usual.
    - PostgreSQL: the insert trigger leaves the vocabulary alone for this transaction (migration
      0019), and the words are added when the block ends, in one statement. So every article
      the block inserts must be in ``words``. ``added``, a set the caller keeps, holds the
      words added before in this run: they are not sent again.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        _computed_words.update(words)
        try:
            yield
        finally:
            _computed_words.clear()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('newsroom.words_given', 'on', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('newsroom.words_given', '', true)")
        new = set().union(*map(json.loads, words.values())) - (added if added is not None else set())
        for chunk in _chunks(sorted(new), WORDS_A_STATEMENT):
            cursor.execute(
                "INSERT INTO articles_search_word (word) SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING", [chunk]
            )
    if added is not None:
        added |= new


def _chunks(items, size):
    return (items[start : start + size] for start in range(0, len(items), size))


def search_words(headline, dek, body):
    """SQLite's ``search_words()``, which migration 0014's triggers call: ``indexed_words``."""
    words = _computed_words.get((headline, dek, body))
    return indexed_words(headline, dek, body) if words is None else words


def register_sqlite_functions(sender, connection, **kwargs):
    """``connection_created`` receiver: the functions migration 0014's triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_words", 3, search_words, deterministic=True)


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
    def matches(model, groups):
        """A word of each group of ``groups`` (lists of words) in the article."""
        every_group = " & ".join("(" + " | ".join(f"'{word}'" for word in group) + ")" for group in groups)
        column = f"{model._meta.db_table}.search_vector"
        return RawSQL(f"{column} @@ to_tsquery('english', %s)", [every_group], output_field=BooleanField())

    @staticmethod
    def words_starting(connection, start, limit):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM articles_search_word WHERE word LIKE %s ORDER BY word LIMIT %s",
                [f"{start}%", limit],
            )
            return [word for (word,) in cursor.fetchall()]

    @staticmethod
    def near_words(connection, terms):
        """``{term: [indexed words that share trigrams with it]}``, the nearest first."""
        one = (
            "(SELECT %s, word FROM articles_search_word WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join([one] * len(terms)),
                [value for term in terms for value in (term, term, term, NEAR_WORDS)],
            )
            near = {}
            for term, word in cursor.fetchall():
                near.setdefault(term, []).append(word)
            return near

    RANK_OF = "coalesce((%s::jsonb ->> {id}::text)::float, 0)"

    @staticmethod
    def ranks(connection, model, ids, terms):
        """``{id: relevance}`` of the articles ``ids`` that hold a word of ``terms``."""
        any_term = " | ".join(f"'{term}'" for term in terms)
        table = model._meta.db_table
        # Ranked on any term so that, as with bm25 on SQLite, each word's occurrences add up
        # (ts_rank scores an AND query by the words' proximity instead), and divided by the
        # logarithm of the article's length, as bm25 favours the shorter of two equal matches.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_rank(%s::float4[], search_vector, to_tsquery('english', %s), 1) FROM {table} "
                "WHERE id = ANY(%s)",
                [[0.0, BODY_WEIGHT, DEK_WEIGHT, HEADLINE_WEIGHT], any_term, list(ids)],
            )
            return dict(cursor.fetchall())

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

    @staticmethod
    def _every_group(groups):
        return " AND ".join("(" + " OR ".join(f'"{word}"' for word in group) + ")" for group in groups)

    @staticmethod
    def words_starting(connection, start, limit):
        after = start[:-1] + chr(ord(start[-1]) + 1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM articles_search_word WHERE word >= %s AND word < %s ORDER BY word LIMIT %s",
                [start, after, limit],
            )
            return [word for (word,) in cursor.fetchall()]

    @staticmethod
    def near_words(connection, terms):
        """``{term: [indexed words that share trigrams with it]}``, as PostgreSQL's, measured here:
        one pass over the vocabulary's words of about the terms' lengths."""
        shortest, longest = min(map(len, terms)) - MAX_EDITS, max(map(len, terms)) + MAX_EDITS
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM articles_search_word WHERE length(word) BETWEEN %s AND %s",
                [shortest, longest],
            )
            words = [(word, trigrams(word)) for (word,) in cursor.fetchall()]
        near = {}
        for term in terms:
            mine = trigrams(term)
            scored = []
            for word, theirs in words:
                if abs(len(word) - len(term)) <= MAX_EDITS:
                    similarity = len(mine & theirs) / len(mine | theirs)
                    if similarity > MIN_SIMILARITY:
                        scored.append((-similarity, word))
            near[term] = [word for _, word in sorted(scored)[:NEAR_WORDS]]
        return near

    @classmethod
    def matches(cls, model, groups):
        # The index's matches are read once into a list, without touching the articles; the unary
        # "+" keeps SQLite from fetching and sorting every match, and has it walk the articles
        # newest first instead, stopping at the MAX_RESULTS-th match. At worst (a word in no
        # article) that is one pass over an index; sorting a common word's matches costs more.
        return RawSQL(
            f"+{model._meta.db_table}.id IN "
            "(SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s)",
            [cls._every_group(groups)],
            output_field=BooleanField(),
        )

    RANK_OF = "coalesce(json_extract(%s, '$.\"' || {id} || '\"'), 0)"

    @staticmethod
    def ranks(connection, model, ids, terms):
        """``{id: relevance}`` of the articles ``ids`` that hold a word of ``terms``. bm25() works
        only in the query that matches; joined to the articles, the index is looked up by rowid
        for each of them (asked for its matches among the ids, it would score every match of a
        common word first, and a subquery per article reads it once each: seconds at 100,000
        articles). Ranked on any term, as on PostgreSQL. bm25() is lower for better matches;
        negated so that both backends sort on -search_rank."""
        any_term = " OR ".join(f'"{term}"' for term in terms)
        table = model._meta.db_table
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {table}.id, -bm25(articles_article_fts, %s, %s, %s) FROM {table}, articles_article_fts "
                f"WHERE articles_article_fts.rowid = {table}.id AND articles_article_fts MATCH %s "
                f"AND {table}.id IN ({placeholders})",
                [HEADLINE_WEIGHT, DEK_WEIGHT, BODY_WEIGHT, any_term, *ids],
            )
            return dict(cursor.fetchall())

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
        words = html.unescape(TAG.sub("", BLOCK_END.sub(" ", article.body))).split()
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


def search_results(articles, words):
    """``articles`` (a page of ``search_articles``) with their headlines and snippets highlighted
    where they hold one of ``words`` (``Search.words``)."""
    highlighter = Highlighter(words)
    return [
        SearchResult(article, highlighter.highlight(article.headline), highlighter.snippet(article))
        for article in articles
    ]
