"""Moving the tickers into this app keeps every row, and everything that points at them: run
forward and back on a database of the run's engine (SQLite or PostgreSQL) holding tickers, in
processes of their own."""

import json

BEFORE = ("articles", "0013_source_file_paths")

WRITE_BEFORE = """
import django, json
django.setup()
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# The models as the applied migrations left them.
apps = MigrationLoader(connection).project_state(list(MigrationRecorder(connection).applied_migrations())).apps
Article = apps.get_model("articles", "Article")
Ticker = apps.get_model("articles", "Ticker")
TickerItem = apps.get_model("articles", "TickerItem")
ContentType = apps.get_model("contenttypes", "ContentType")
LogEntry = apps.get_model("admin", "LogEntry")
Version = apps.get_model("reversion", "Version")
Revision = apps.get_model("reversion", "Revision")
User = apps.get_model("auth", "User")

now = timezone.now()
article = Article.objects.create(headline="Strike", slug="strike", status="published", published_at=now)
ticker = Ticker.objects.get(slug="breaking-news")
item = TickerItem.objects.create(ticker=ticker, text="Strike called off", article=article, starts_at=now)
plain = TickerItem.objects.create(ticker=ticker, text="Roads closed", url="https://example.com/", starts_at=now)
content_type = ContentType.objects.get(app_label="articles", model="tickeritem")
editor = User.objects.create(username="editor", is_staff=True)
LogEntry.objects.create(
    user=editor, content_type=content_type, object_id=str(item.pk), object_repr=item.text, action_flag=1,
    action_time=now,
)
revision = Revision.objects.create(date_created=now, comment="Added.")
Version.objects.create(
    revision=revision, object_id=str(item.pk), content_type=content_type, db="default", format="json",
    serialized_data="[]", object_repr=item.text,
)
print(json.dumps({"ticker": ticker.pk, "item": item.pk, "plain": plain.pk, "article": article.pk,
                  "content_type": content_type.pk}))
"""

CHECK_AFTER = """
import django, json
django.setup()
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from reversion.models import Version
from breaking.models import Ticker, TickerItem

item = TickerItem.objects.select_related("article", "ticker").get(text="Strike called off")
entry = LogEntry.objects.get(object_id=str(item.pk))
version = Version.objects.get(object_id=str(item.pk))
new = TickerItem.objects.create(ticker=item.ticker, text="New after the move")
print(json.dumps({
    "items": sorted(TickerItem.objects.values_list("pk", "text", "article_id", "url")),
    "live": list(TickerItem.objects.live().values_list("text", flat=True)),
    "tickers": list(Ticker.objects.values_list("pk", "slug")),
    "content_type": ContentType.objects.get_for_model(TickerItem).pk,
    "left_behind": list(ContentType.objects.filter(app_label="articles", model__in=["ticker", "tickeritem"])
                        .values_list("model", flat=True)),
    "log_model": entry.content_type.model_class().__name__,
    "log_url": entry.get_admin_url(),
    "version_model": version.content_type.model_class().__name__,
    "editor_may": sorted(Group.objects.get(name="Editor").permissions
                         .filter(content_type__app_label="breaking", codename__contains="ticker")
                         .values_list("codename", flat=True)),
    "permissions": Permission.objects.filter(content_type__app_label="breaking", codename__contains="ticker").count(),
    "tables": sorted(t for t in connection.introspection.table_names() if "ticker" in t),
    "new_after_old": new.pk > item.pk,
}))
"""

CHECK_BACK = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("select text from articles_tickeritem order by text")
    texts = [text for (text,) in cursor.fetchall()]
    cursor.execute("select app_label, model from django_content_type where model in ('ticker', 'tickeritem')")
    content_types = sorted(cursor.fetchall())
print(json.dumps({
    "tables": sorted(t for t in connection.introspection.table_names() if "ticker" in t),
    "texts": texts,
    "content_types": content_types,
}))
"""


def _run(run_django, database_url, *args, code=None):
    result = run_django(*args, code=code, env={"DATABASE_URL": database_url}, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_moving_the_tickers_keeps_rows_content_types_permissions_and_history(run_django, scratch_database):
    database_url = scratch_database()
    _run(run_django, database_url, "migrate", "admin", "-v0")
    _run(run_django, database_url, "migrate", *BEFORE, "-v0")
    before = json.loads(_run(run_django, database_url, code=WRITE_BEFORE))

    _run(run_django, database_url, "migrate", "-v0")
    after = json.loads(_run(run_django, database_url, code=CHECK_AFTER))

    assert after["items"][:2] == [
        [before["item"], "Strike called off", before["article"], ""],
        [before["plain"], "Roads closed", None, "https://example.com/"],
    ]
    assert after["new_after_old"]
    assert set(after["live"]) == {"Roads closed", "Strike called off", "New after the move"}
    assert [before["ticker"], "breaking-news"] in after["tickers"]
    # The same content type row, now the breaking app's: its permissions, the groups holding
    # them, admin log entries and revisions all still point at it.
    assert after["content_type"] == before["content_type"]
    assert after["left_behind"] == []
    assert after["log_model"] == after["version_model"] == "TickerItem"
    assert after["log_url"] == f"/admin/breaking/tickeritem/{before['item']}/change/"
    assert after["editor_may"] == sorted(
        f"{action}_{model}" for model in ("ticker", "tickeritem") for action in ("add", "change", "delete", "view")
    )
    assert after["permissions"] == 8
    assert after["tables"] == ["breaking_ticker", "breaking_tickeritem"]

    _run(run_django, database_url, "migrate", "breaking", "zero", "-v0")
    back = json.loads(_run(run_django, database_url, code=CHECK_BACK))
    assert back["tables"] == ["articles_ticker", "articles_tickeritem"]
    assert back["texts"] == ["New after the move", "Roads closed", "Strike called off"]
    assert back["content_types"] == [["articles", "ticker"], ["articles", "tickeritem"]]
