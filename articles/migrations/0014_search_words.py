"""The vocabulary behind reader search's prefix matching and "Did you mean" (``articles.search``):
every word the articles' headlines, summaries and bodies hold, lowercased and unstemmed, in a
table ``articles_search_word`` filled by triggers on every insert and on every change of the
headline, summary or body, so that every write path (the importer's bulk inserts included)
keeps it. Words an edit removed stay: the vocabulary only proposes words, and the search
decides what matches.

- PostgreSQL: the trigger splits the text with a regular expression; a trigram index
  (``pg_trgm``) finds the words nearest a misspelt one and words by their start.
- SQLite: the trigger splits the text with ``search_words()``, a function the app registers on
  every connection (``articles.search.indexed_words``): SQLite's SQL cannot split text into
  words in a trigger. A write to ``articles_article`` from outside the app fails for want of it.
  As for migration 0005, a later migration that rebuilds ``articles_article`` on SQLite must
  create these triggers again.
"""

import importlib

from django.db import migrations

search_index = importlib.import_module("articles.migrations.0005_search")

# Longer "words" (a URL's run of letters, a hash) are not worth proposing.
MAX_WORD_LENGTH = 50


def postgresql_words(row, tables=""):
    """A query for the distinct words of ``row``'s texts (``new``, or a table in ``tables``)."""
    return f"""
    SELECT DISTINCT word FROM {tables}regexp_split_to_table(
        lower(coalesce({row}.headline, '') || ' ' || coalesce({row}.dek, '') || ' ' || coalesce({
        search_index.BODY_TEXT.replace("body", f"{row}.body")
    }, '')),
        '[^[:alnum:]]+'
    ) AS word
    WHERE word <> '' AND length(word) <= {MAX_WORD_LENGTH}
"""


def words_trigger_function(name, words):
    """A trigger function ``name`` that adds the words of the query ``words`` to the vocabulary."""
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO articles_search_word (word) {words} ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """


POSTGRESQL_WORDS = postgresql_words("new")
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE articles_search_word (word varchar({MAX_WORD_LENGTH}) PRIMARY KEY)",
    "CREATE INDEX articles_search_word_trigrams ON articles_search_word USING gin (word gin_trgm_ops)",
    words_trigger_function("articles_search_words", POSTGRESQL_WORDS),
    """
    CREATE TRIGGER articles_search_words AFTER INSERT OR UPDATE OF headline, dek, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_search_words()
    """,
    f"""
    INSERT INTO articles_search_word (word)
    SELECT DISTINCT word FROM articles_article, regexp_split_to_table(
        lower(headline || ' ' || dek || ' ' || {search_index.BODY_TEXT}), '[^[:alnum:]]+'
    ) AS word
    WHERE word <> '' AND length(word) <= {MAX_WORD_LENGTH}
    ON CONFLICT DO NOTHING
    """,
]
POSTGRESQL_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_words ON articles_article",
    "DROP FUNCTION IF EXISTS articles_search_words()",
    "DROP TABLE IF EXISTS articles_search_word",
]


SQLITE_WORDS = "SELECT value FROM json_each(search_words({row}.headline, {row}.dek, {row}.body))"
SQLITE_FORWARDS = [
    f"CREATE TABLE articles_search_word (word varchar({MAX_WORD_LENGTH}) PRIMARY KEY) WITHOUT ROWID",
    f"""
    CREATE TRIGGER articles_search_words_insert AFTER INSERT ON articles_article BEGIN
        INSERT OR IGNORE INTO articles_search_word (word) {SQLITE_WORDS.format(row="new")};
    END
    """,
    f"""
    CREATE TRIGGER articles_search_words_update AFTER UPDATE OF headline, dek, body ON articles_article BEGIN
        INSERT OR IGNORE INTO articles_search_word (word) {SQLITE_WORDS.format(row="new")};
    END
    """,
    """
    INSERT OR IGNORE INTO articles_search_word (word) SELECT value
    FROM articles_article, json_each(search_words(articles_article.headline, articles_article.dek, articles_article.body))
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_words_insert",
    "DROP TRIGGER IF EXISTS articles_search_words_update",
    "DROP TABLE IF EXISTS articles_search_word",
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_source_file_paths"),
    ]

    operations = [
        migrations.RunPython(
            search_index.run({"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            search_index.run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
