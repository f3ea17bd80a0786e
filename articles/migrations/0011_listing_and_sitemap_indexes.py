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
"""

import string

from django.db import migrations, models

PUNCTUATION = string.punctuation.replace("'", "''")
HEADLINE_WORDS = (
    f"to_tsvector('english', translate(headline || ' ' || dek, '{PUNCTUATION}', '{' ' * len(string.punctuation)}'))"
)


def create_headline_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX article_headline_words ON articles_article USING gin (({HEADLINE_WORDS}))", params=None
        )


def drop_headline_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
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
        migrations.RunPython(create_headline_words, drop_headline_words),
    ]
