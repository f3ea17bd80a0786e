"""``manage.py backup`` and ``restore``, run as an operator would, against scratch databases of
the run's engine (SQLite file or PostgreSQL) and media folders of their own."""

import json
from pathlib import Path

import pytest

CREATE_SITE = """
import django
django.setup()
from pathlib import Path
from django.core.files.base import ContentFile
from articles.tests.factories import make_article, make_author, make_correction, make_section, make_user
photo = (Path("newsroom/tests/files/photo.jpg")).read_bytes()
section = make_section(name="Politics", slug="politics")
reporter = make_user("Reporter")
for number in range(3):
    author = make_author(name=f"Reporter {number}")
    author.photo.save(f"reporter-{number}.jpg", ContentFile(photo))
    article = make_article(
        headline=f"Story {number}", section=section, authors=[author], created_by=reporter, lead_image_alt="A photo"
    )
    article.lead_image.save(f"lead-{number}.jpg", ContentFile(photo))
make_correction(article)
"""

DUMP_SITE = """
import django, json
django.setup()
from django.apps import apps
print(json.dumps({
    model._meta.label: list(model._base_manager.order_by("pk").values()) for model in apps.get_models()
}, default=str, sort_keys=True))
"""


@pytest.fixture
def site(run_django, scratch_database, tmp_path):
    """A function giving the environment of a new site (empty database, media folder)."""
    count = 0

    def make():
        nonlocal count
        count += 1
        return {"DATABASE_URL": scratch_database(), "MEDIA_ROOT": str(tmp_path / f"media-{count}")}

    return make


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def media_files(environment):
    root = Path(environment["MEDIA_ROOT"])
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def backed_up(run_django, site, tmp_path):
    """A small site with authors, articles, images and a correction, and its backup folder."""
    original = site()
    ok(run_django("migrate", "--noinput", env=original))
    ok(run_django(code=CREATE_SITE, env=original))
    ok(run_django("backup", str(tmp_path / "backup"), env=original))
    return original, tmp_path / "backup"


def test_restore_into_a_fresh_site_gives_back_every_row_and_media_file(run_django, site, backed_up):
    original, folder = backed_up
    manifest = json.loads((folder / "manifest.json").read_text())
    database = "database.dump" if original["DATABASE_URL"].startswith("postgres") else "database.sqlite3"
    assert set(manifest["files"]) == {database, "media.tar"}

    fresh = site()
    ok(run_django("restore", str(folder), env=fresh))

    rows = json.loads(ok(run_django(code=DUMP_SITE, env=original)).stdout)
    assert json.loads(ok(run_django(code=DUMP_SITE, env=fresh)).stdout) == rows
    assert len(rows["articles.Article"]) == 3
    assert len(rows["authors.Author"]) == 3
    assert len(media_files(original)) == 6
    assert media_files(fresh) == media_files(original)


def test_restore_refuses_a_database_with_tables_unless_forced(run_django, backed_up):
    original, folder = backed_up
    refused = run_django("restore", str(folder), env=original)
    assert refused.returncode != 0
    assert "already has tables" in refused.stderr
    ok(run_django("restore", "--force", str(folder), env=original))


def test_restore_refuses_a_damaged_backup_before_writing(run_django, site, backed_up):
    _, folder = backed_up
    with open(folder / "media.tar", "ab") as archive:
        archive.write(b"\0")
    fresh = site()
    refused = run_django("restore", str(folder), env=fresh)
    assert refused.returncode != 0
    assert "checksum" in refused.stderr
    assert not Path(fresh["MEDIA_ROOT"]).exists()


def test_dry_run_writes_nothing(run_django, site, backed_up):
    _, folder = backed_up
    fresh = site()
    ok(run_django("restore", "--dry-run", str(folder), env=fresh))
    assert not Path(fresh["MEDIA_ROOT"]).exists()
    tables = "from django.db import connection; print(len(connection.introspection.table_names()))"
    counted = ok(run_django(code=f"import django; django.setup(); {tables}", env=fresh))
    assert counted.stdout.strip() == "0"
