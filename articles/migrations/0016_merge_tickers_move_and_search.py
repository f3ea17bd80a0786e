"""Joins two lines of migrations made side by side: tickers leaving for the breaking app, and the
search vocabulary and the lead image's index."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_tickers_move_to_breaking"),
        ("articles", "0015_lead_image_index"),
    ]

    operations = []
