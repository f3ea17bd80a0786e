"""The full-text index behind reader search (``articles.search``).

It lives in the database, not in the model, so that every write keeps it current, the
importer's ``bulk_create`` included. Each backend indexes the headline, the summary and the
body's text (tags and entities stripped), English-stemmed:

- PostgreSQL: a stored generated column ``search_vector`` (headline weighted A, summary B,
  body C) with a GIN index. Punctuation becomes spaces first, as SQLite's tokenizer treats it,
  so that both backends see the same words. PostgreSQL refuses to change the type of a column
  a generated column reads, so a later migration that alters ``headline``, ``dek`` or ``body``
  must drop ``search_vector`` first and add it back after.
- SQLite: a contentless FTS5 table, ``articles_article_fts``, kept in step by triggers. Django
  rebuilds a SQLite table for many schema changes, which drops its triggers, so a later
  migration that rebuilds ``articles_article`` must create the triggers again (the search
  tests fail if it does not).

The ORM never sees either: no model field, nothing for ``makemigrations`` to notice.
"""

import string

from django.db import migrations


def postgresql_words(text):
    """SQL for ``text`` with ASCII punctuation turned into spaces, so that PostgreSQL's parser
    sees the words SQLite's tokenizer sees: "F-35" as "f" and "35", not "f" and "-35";
    "U.S." as "u" and "s", not the host name "u.s"."""
    punctuation = string.punctuation.replace("'", "''")
    return f"translate({text}, '{punctuation}', '{' ' * len(string.punctuation)}')"


BODY_TEXT = "regexp_replace(regexp_replace(body, '<[^>]+>', ' ', 'g'), '&#?[a-zA-Z0-9]+;', ' ', 'g')"
POSTGRESQL_FORWARDS = [
    f"""
    ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', {postgresql_words("coalesce(headline, '')")}), 'A')
        || setweight(to_tsvector('english', {postgresql_words("coalesce(dek, '')")}), 'B')
        || setweight(to_tsvector('english', {postgresql_words(f"coalesce({BODY_TEXT}, '')")}), 'C')
    ) STORED
    """,
    "CREATE INDEX article_search_vector ON articles_article USING gin (search_vector)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS article_search_vector",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def sqlite_text(html):
    """SQL for the text of the sanitised HTML ``html``: split at every "<", keep what follows
    the tag's closing ">" and join the pieces with spaces, as PostgreSQL's
    ``regexp_replace(body, '<[^>]+>', ' ', 'g')`` does. The entities the sanitiser writes
    become spaces, as there. Triggers cannot use recursive queries, so the split goes through
    a JSON array: a JSON string never escapes "<"."""
    for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;"):
        html = f"replace({html}, '{entity}', ' ')"
    pieces = f"""json_each('[' || replace(json_quote({html}), '<', '","') || ']')"""
    return (
        f"(SELECT group_concat(text, ' ') FROM "
        f"(SELECT substr(value, instr(value, '>') + 1) AS text FROM {pieces} ORDER BY key))"
    )


def sqlite_index_row(row, command=""):
    """Add ``row`` (``new`` or ``old``) to the index, or remove it with ``command="delete"``:
    a contentless FTS5 table forgets a row only when given the values it indexed."""
    columns, values = "rowid, headline, dek, body", f"{row}.id, {row}.headline, {row}.dek, {sqlite_text(f'{row}.body')}"
    if command:
        columns, values = f"articles_article_fts, {columns}", f"'{command}', {values}"
    return f"INSERT INTO articles_article_fts({columns}) VALUES ({values});"


SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        headline, dek, body, content='', tokenize='porter unicode61 remove_diacritics 0'
    )
    """,
    f"""
    CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
        {sqlite_index_row("new")}
    END
    """,
    f"""
    CREATE TRIGGER articles_article_fts_update AFTER UPDATE OF id, headline, dek, body ON articles_article BEGIN
        {sqlite_index_row("old", "delete")}
        {sqlite_index_row("new")}
    END
    """,
    f"""
    CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
        {sqlite_index_row("old", "delete")}
    END
    """,
    f"""
    INSERT INTO articles_article_fts(rowid, headline, dek, body)
    SELECT id, headline, dek, {sqlite_text("body")} FROM articles_article
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def run(statements):
    def operation(apps, schema_editor):
        for statement in statements[schema_editor.connection.vendor]:
            schema_editor.execute(statement, params=None)  # no parameters: "%" is just a character

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_lead_image_dimensions"),
    ]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
