"""Tickers and their items move here from ``articles``, keeping every row: the models take over
the existing tables (state only), the tables are renamed to this app's names, and the content
types follow, so that their permissions, the groups holding them, revision history and admin log
entries stay attached to the same rows."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = ("ticker", "tickeritem")


def move_content_types(source, target):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        database = schema_editor.connection.alias
        for model in MOVED:
            # A content type for the new place made before this ran (none normally is) holds
            # nothing yet: the one with the permissions and history takes its place.
            moving = ContentType.objects.using(database).filter(app_label=source, model=model)
            if moving.exists():
                ContentType.objects.using(database).filter(app_label=target, model=model).delete()
                moving.update(app_label=target)
        ContentType.objects.clear_cache()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0013_source_file_paths"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Ticker',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='For example “Breaking News”.', max_length=100)),
                        ('slug', models.SlugField(max_length=100, unique=True)),
                    ],
                    options={
                        'ordering': ['name'],
                        'db_table': 'articles_ticker',
                    },
                ),
                migrations.CreateModel(
                    name='TickerItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=280)),
                        ('url', models.URLField(blank=True, help_text='…or to another page.', max_length=500, verbose_name='external link')),
                        ('priority', models.SmallIntegerField(choices=[(0, 'Normal'), (10, 'High'), (20, 'Urgent')], default=0)),
                        ('starts_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='start time')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry time')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('article', models.ForeignKey(blank=True, help_text='Link to one of our articles…', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='ticker_items', to='articles.article')),
                        ('ticker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='breaking.ticker')),
                    ],
                    options={
                        'ordering': ['-starts_at', '-pk'],
                        'db_table': 'articles_tickeritem',
                        'indexes': [models.Index(fields=['starts_at', 'expires_at'], name='tickeritem_window'), models.Index(condition=models.Q(('expires_at__isnull', False)), fields=['expires_at'], name='tickeritem_expires'), models.Index(fields=['-priority', '-starts_at', '-id'], name='tickeritem_running_order')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('expires_at__isnull', True), ('expires_at__gt', models.F('starts_at')), _connector='OR'), name='tickeritem_expires_after_start'), models.CheckConstraint(condition=models.Q(('article__isnull', True), ('url', ''), _connector='OR'), name='tickeritem_one_link')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="ticker", table=None),
        migrations.AlterModelTable(name="tickeritem", table=None),
        migrations.RunPython(move_content_types("articles", "breaking"), move_content_types("breaking", "articles")),
    ]
