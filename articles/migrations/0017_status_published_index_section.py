"""The listings' index ends with the section, so that the home page's section blocks rank the
latest articles from the index alone (on PostgreSQL an index-only scan instead of a table read
for each of the latest 500)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_merge_tickers_move_and_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_status_published"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id", "expires_at", "updated_at", "section"],
                name="article_status_published",
            ),
        ),
    ]
