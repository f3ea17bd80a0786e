"""Live stories as placements' second kind of story: the migration keeps every placement, and
the database then takes exactly one story per placement; run forward and back on a database of
the run's engine (SQLite or PostgreSQL), in processes of their own."""

import json

BEFORE = ("frontpage", "0002_editors_control_the_front_page")

WRITE_BEFORE = """
import django, json
django.setup()
from datetime import timedelta
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

apps = MigrationLoader(connection).project_state(list(MigrationRecorder(connection).applied_migrations())).apps
Article = apps.get_model("articles", "Article")
Placement = apps.get_model("frontpage", "Placement")
now = timezone.now()
article = Article.objects.create(headline="Strike", slug="strike", status="published", published_at=now)
lead = Placement.objects.create(place="lead", article=article, starts_at=now)
pin = Placement.objects.create(place="pinned", article=article, starts_at=now, expires_at=now + timedelta(hours=6))
print(json.dumps({"article": article.pk, "lead": lead.pk, "pin": pin.pk}))
"""

CHECK_AFTER = """
import django, json
django.setup()
from django.db import IntegrityError, transaction
from articles.models import Article
from breaking.models import LiveStory
from frontpage.models import Placement

rows = sorted(Placement.objects.values_list("pk", "place", "article", "live_story"))
story = LiveStory.objects.create(headline="Storm", status="live")
live = Placement.objects.create(place="lead", live_story=story)
refused = []
for fields in [{"article": Article.objects.get(), "live_story": story}, {}]:
    try:
        with transaction.atomic():
            Placement.objects.create(place="lead", **fields)
    except IntegrityError:
        refused.append(sorted(fields))
print(json.dumps({
    "rows": rows,
    "current": sorted(Placement.objects.current().values_list("pk", flat=True)),
    "live": live.pk,
    "refused": refused,
}))
"""

CHECK_BACK = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("select id, place, article_id from frontpage_placement order by id")
    rows = cursor.fetchall()
    description = connection.introspection.get_table_description(cursor, "frontpage_placement")
columns = [column.name for column in description]
print(json.dumps({"rows": rows, "columns": sorted(columns)}))
"""


def _run(run_django, database_url, *args, code=None):
    result = run_django(*args, code=code, env={"DATABASE_URL": database_url}, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_live_stories_as_placements_keep_every_placement_forward_and_back(run_django, scratch_database):
    database_url = scratch_database()
    _run(run_django, database_url, "migrate", *BEFORE, "-v0")
    before = json.loads(_run(run_django, database_url, code=WRITE_BEFORE))

    _run(run_django, database_url, "migrate", "-v0")
    after = json.loads(_run(run_django, database_url, code=CHECK_AFTER))

    assert after["rows"] == [
        [before["lead"], "lead", before["article"], None],
        [before["pin"], "pinned", before["article"], None],
    ]
    assert after["current"] == sorted([before["lead"], before["pin"], after["live"]])
    assert after["refused"] == [["article", "live_story"], []]

    _run(run_django, database_url, "migrate", *BEFORE, "-v0")
    back = json.loads(_run(run_django, database_url, code=CHECK_BACK))

    # The live story's placement is gone with the column; the articles' are as they were.
    assert back["rows"] == [[before["lead"], "lead", before["article"]], [before["pin"], "pinned", before["article"]]]
    assert "live_story_id" not in back["columns"]
