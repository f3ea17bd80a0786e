"""Indexes for lists, sitemaps and the archive's word filter at the size of a real archive.

- ``article_status_published`` gains the expiry time, so that whether an article is public is
  read from the index alone: counting, and walking to a deep page, read no table row; and the
  last update, so that the sitemap index dates its parts from the index alone too.
- ``article_section_published``: a section's articles newest first, for its page and its feed.
- ``article_status_id``: public articles in id order, for the sitemap's parts and for joins that
  ask whether the article of a byline or a correction is public.
- ``articleauthor_author_article``: an author's articles from the index alone, for their page,
  the article counts of the authors' list and the authors' sitemap.
- PostgreSQL only: ``article_headline_words``, a GIN index of the words of the headline and the
  summary, for the archive's word filter (``articles.search.headline_words`` repeats its
  expression, as a query must). SQLite reads the same words from the FTS5 table's columns.
- PostgreSQL only: statistics on the sitemap part of an article (parts of 2,000 ids, as
  ``articles.sitemaps.PART_SIZE``), so that the planner knows the index groups a hundred
  thousand articles into fifty parts, and counts them in a hash table instead of sorting them.
"""

import string

from django.db import migrations, models

PUNCTUATION = string.punctuation.replace("'", "''")
HEADLINE_WORDS = (
    f"to_tsvector('english', translate(headline || ' ' || dek, '{PUNCTUATION}', '{' ' * len(string.punctuation)}'))"
)


SITEMAP_PART = "(((id - 1) / 2000) + 1)"


def create_postgresql_only(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX article_headline_words ON articles_article USING gin (({HEADLINE_WORDS}))", params=None
    )
    if connection.pg_version >= 140000:  # statistics on an expression
        schema_editor.execute(f"CREATE STATISTICS article_sitemap_part ON {SITEMAP_PART} FROM articles_article")


def drop_postgresql_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS article_sitemap_part")
        schema_editor.execute("DROP INDEX IF EXISTS article_headline_words", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_article_presence"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_status_published",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id", "expires_at", "updated_at"], name="article_status_published"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at", "-id", "expires_at"], name="article_section_published"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "id", "published_at", "expires_at"], name="article_status_id"),
        ),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "article"], name="articleauthor_author_article"),
        ),
        migrations.RunPython(create_postgresql_only, drop_postgresql_only),
    ]
