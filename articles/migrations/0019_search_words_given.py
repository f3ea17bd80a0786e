"""PostgreSQL: an insert whose articles' vocabulary words the writer adds itself leaves the
vocabulary to it. The importer computes each page's words beside the parsing (as on SQLite,
articles.vocabulary) and adds a group's new words in one statement; the trigger splitting
every inserted body again was a third of the server's work for an import. The writer says so
for its transaction alone (``newsroom.words_given``, articles.search.words_given); every other
insert is split by the trigger as before.

SQLite has no statement triggers; nothing changes there.
"""

import importlib

from django.db import migrations

search_index = importlib.import_module("articles.migrations.0005_search")
search_words = importlib.import_module("articles.migrations.0014_search_words")

INSERTED_WORDS = search_words.postgresql_words("inserted", "inserted, ")

FORWARDS = [
    f"""
    CREATE OR REPLACE FUNCTION articles_search_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('newsroom.words_given', true) = 'on' THEN
            RETURN NULL;
        END IF;
        INSERT INTO articles_search_word (word) {INSERTED_WORDS} ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
]
BACKWARDS = [
    search_words.words_trigger_function("articles_search_words_inserted", INSERTED_WORDS).replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_search_words_per_statement"),
    ]

    operations = [
        migrations.RunPython(
            search_index.run({"postgresql": FORWARDS, "sqlite": []}),
            search_index.run({"postgresql": BACKWARDS, "sqlite": []}),
        ),
    ]
