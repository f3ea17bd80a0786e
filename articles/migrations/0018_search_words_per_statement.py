"""PostgreSQL: the vocabulary (migration 0014) takes the words of inserted articles once per
statement rather than once per row. The importer inserts hundreds of articles in one COPY, and
a trigger for each of them split its texts and looked up each of its words in the vocabulary's
index: a third of the server's work for an import of 10,000 pages. The words of the rows a
statement inserted (a transition table) are now split, made distinct and added together, which
takes a fifth off the server's work for that import. An
update of the headline, summary or body still adds its row's words, as before (PostgreSQL
allows no transition table for a trigger limited to some columns). The words are the same.

SQLite has no statement triggers; nothing changes there.
"""

import importlib

from django.db import migrations

search_index = importlib.import_module("articles.migrations.0005_search")
search_words = importlib.import_module("articles.migrations.0014_search_words")

FORWARDS = [
    search_words.words_trigger_function(
        "articles_search_words_inserted", search_words.postgresql_words("inserted", "inserted, ")
    ),
    "DROP TRIGGER articles_search_words ON articles_article",
    """
    CREATE TRIGGER articles_search_words AFTER UPDATE OF headline, dek, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_search_words()
    """,
    """
    CREATE TRIGGER articles_search_words_inserted AFTER INSERT ON articles_article
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION articles_search_words_inserted()
    """,
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_words_inserted ON articles_article",
    "DROP FUNCTION IF EXISTS articles_search_words_inserted()",
    "DROP TRIGGER IF EXISTS articles_search_words ON articles_article",
    """
    CREATE TRIGGER articles_search_words AFTER INSERT OR UPDATE OF headline, dek, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_search_words()
    """,
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_status_published_index_section"),
    ]

    operations = [
        migrations.RunPython(
            search_index.run({"postgresql": FORWARDS, "sqlite": []}),
            search_index.run({"postgresql": BACKWARDS, "sqlite": []}),
        ),
    ]
