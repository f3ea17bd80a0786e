"""Tickers and their items now belong to the ``breaking`` app (breaking/migrations/0001_initial.py
takes over their tables and content types); here they leave this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_source_file_paths"),
        ("breaking", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="tickeritem", name="ticker"),
                migrations.RemoveField(model_name="tickeritem", name="article"),
                migrations.DeleteModel(name="Ticker"),
                migrations.DeleteModel(name="TickerItem"),
            ],
            database_operations=[],
        ),
    ]
