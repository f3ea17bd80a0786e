"""The vocabulary behind reader search's prefix matching and "Did you mean" (``articles.search``):
every word the articles' headlines, summaries and bodies hold, lowercased and unstemmed.

- PostgreSQL: a table ``articles_search_word`` of words, filled by a trigger on every insert
  and on every change of the headline, summary or body, with a trigram index (``pg_trgm``) for
  the words nearest a misspelt one and for words by their start. Words an edit removed stay:
  the vocabulary only proposes words, and the search decides what matches.
- SQLite: a contentless FTS5 table ``articles_word_fts`` with the same text as the search index
  but without its stemmer, kept in step by triggers as that one is (migration 0005), and its
  ``fts5vocab`` table ``articles_word_vocab``, which lists its words.

As for migration 0005: a later migration that rebuilds ``articles_article`` on SQLite must
create these triggers again.
"""

import importlib

from django.db import migrations

search_index = importlib.import_module("articles.migrations.0005_search")

# Longer "words" (a URL's run of letters, a hash) are not worth proposing.
MAX_WORD_LENGTH = 50

POSTGRESQL_WORDS = f"""
    SELECT DISTINCT word FROM regexp_split_to_table(
        lower(coalesce(new.headline, '') || ' ' || coalesce(new.dek, '') || ' ' || coalesce({
    search_index.BODY_TEXT.replace("body", "new.body")
}, '')),
        '[^[:alnum:]]+'
    ) AS word
    WHERE word <> '' AND length(word) <= {MAX_WORD_LENGTH}
"""
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE articles_search_word (word varchar({MAX_WORD_LENGTH}) PRIMARY KEY)",
    "CREATE INDEX articles_search_word_trigrams ON articles_search_word USING gin (word gin_trgm_ops)",
    f"""
    CREATE FUNCTION articles_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO articles_search_word (word) {POSTGRESQL_WORDS} ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
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


def sqlite_index_row(row, command=""):
    """As migration 0005's, for the table of words."""
    text = f"{row}.headline || ' ' || {row}.dek || ' ' || {search_index.sqlite_text(f'{row}.body')}"
    columns, values = "rowid, text", f"{row}.id, {text}"
    if command:
        columns, values = f"articles_word_fts, {columns}", f"'{command}', {values}"
    return f"INSERT INTO articles_word_fts({columns}) VALUES ({values});"


SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE articles_word_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE articles_word_vocab USING fts5vocab(articles_word_fts, 'row')",
    f"""
    CREATE TRIGGER articles_word_fts_insert AFTER INSERT ON articles_article BEGIN
        {sqlite_index_row("new")}
    END
    """,
    f"""
    CREATE TRIGGER articles_word_fts_update AFTER UPDATE OF id, headline, dek, body ON articles_article BEGIN
        {sqlite_index_row("old", "delete")}
        {sqlite_index_row("new")}
    END
    """,
    f"""
    CREATE TRIGGER articles_word_fts_delete AFTER DELETE ON articles_article BEGIN
        {sqlite_index_row("old", "delete")}
    END
    """,
    f"""
    INSERT INTO articles_word_fts(rowid, text)
    SELECT id, headline || ' ' || dek || ' ' || {search_index.sqlite_text("body")} FROM articles_article
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_word_fts_insert",
    "DROP TRIGGER IF EXISTS articles_word_fts_update",
    "DROP TRIGGER IF EXISTS articles_word_fts_delete",
    "DROP TABLE IF EXISTS articles_word_vocab",
    "DROP TABLE IF EXISTS articles_word_fts",
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
