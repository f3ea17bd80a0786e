"""An index on the lead image's name: whether an uploaded image may be served is whether a public
article shows it (newsroom/media.py), asked on every image request the app serves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_words"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["lead_image"], name="article_lead_image"),
        ),
    ]
