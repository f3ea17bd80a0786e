"""import_seeds on real scraped folders: size limits, symbolic links, files known by their path,
expiring ticker items, review for doubtful pages, the dry run's decisions and the progress line."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.import_progress import CLEAR_LINE, Progress
from articles.models import Article, SourceFile
from breaking.models import TickerItem

from .test_import_seeds import page, run, summary, write

pytestmark = pytest.mark.django_db

OILPRICE_TAIL = (
    "By Julianne Geiger for Oilprice.com\n\nMore Top Reads From Oilprice.com:\n\n"
    "Oil Prices Climb as Hurricane Threatens Gulf Production\nExxon's Guyana Output Hits Record High\n"
)

DOUBTFUL = "Exclusive.\n\nShell Weighs Sale of Nigerian Assets\n\nShell is weighing a sale.\n\nBy Jo\n"


def test_a_file_over_the_size_limit_is_refused_and_the_run_goes_on(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    write(tmp_path, "big.txt", page("Big Story", *["A long paragraph of the story."] * 100, byline="Jo"))
    write(tmp_path, "small.txt", page("Small Story", byline="Jo"))
    _out, err = run(tmp_path, expect_exit=1)
    assert "big.txt: the file is larger than 0.000954 MB, the limit" in err
    assert Article.objects.get().headline == "Small Story"


def test_the_default_size_limit_is_two_megabytes(settings):
    assert settings.IMPORT_MAX_FILE_BYTES == 2 * 1024 * 1024


def test_a_symlink_leading_out_of_the_folder_is_refused_not_followed(tmp_path):
    outside = write(tmp_path, "secret.txt", page("Secret Story", byline="Jo"))
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    (folder / "linked-folder").symlink_to(tmp_path)
    _out, err = run(folder, expect_exit=1)
    assert "link.txt: it is a symbolic link that leads out of the import folder" in err
    assert "linked-folder: it is a symbolic link that leads out of the import folder" in err
    assert not Article.objects.exists()


def test_a_symlink_inside_the_folder_is_read(tmp_path):
    write(tmp_path, "story.txt", page("Linked Story", byline="Jo"))
    (tmp_path / "alias.txt").symlink_to(tmp_path / "story.txt")
    run(tmp_path)
    assert Article.objects.get().headline == "Linked Story"
    assert sorted(SourceFile.objects.values_list("name", flat=True)) == ["alias.txt", "story.txt"]


def test_files_of_the_same_name_in_two_subfolders_are_two_sources(tmp_path):
    for folder, headline in (("energy", "Refinery Strike Ends"), ("markets", "Brent Slips Below $80")):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder, "index.txt", page(headline, byline="Jo"))
    out, _ = run(tmp_path)
    assert "Articles created: 2" in summary(out)
    assert dict(SourceFile.objects.values_list("name", "article__headline")) == {
        "energy/index.txt": "Refinery Strike Ends",
        "markets/index.txt": "Brent Slips Below $80",
    }


def test_the_same_relative_path_from_two_folders_given_together_is_refused_the_second_time(tmp_path):
    for folder, headline in (("a", "Refinery Strike Ends"), ("b", "Brent Slips Below $80")):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder, "index.txt", page(headline, byline="Jo"))
    _, err = run(tmp_path / "a", tmp_path / "b", expect_exit=1)
    assert "index.txt: it has the same path relative to its folder as" in err
    assert Article.objects.get().headline == "Refinery Strike Ends"


def test_imported_ticker_items_expire_after_the_configured_lifetime(tmp_path, settings):
    settings.IMPORT_TICKER_LIFETIME = timedelta(hours=6)
    write(tmp_path, "a.txt", page("Story", byline="Jo", ticker="Oil Prices Climb Again"))
    before = timezone.now()
    run(tmp_path)
    item = TickerItem.objects.get()
    assert item.expires_at - item.starts_at == timedelta(hours=6)
    assert TickerItem.objects.live().exists()
    assert not TickerItem.objects.live(at=before + timedelta(hours=7)).exists()


def test_the_default_ticker_lifetime_is_a_day(settings):
    assert timedelta(hours=24) == settings.IMPORT_TICKER_LIFETIME


def test_an_editor_keeps_an_imported_ticker_item_by_clearing_its_expiry(tmp_path):
    write(tmp_path, "a.txt", page("Story", byline="Jo", ticker="Oil Prices Climb Again"))
    run(tmp_path)
    TickerItem.objects.update(expires_at=None)
    run(tmp_path)
    assert TickerItem.objects.live(at=timezone.now() + timedelta(days=30)).exists()


def test_a_page_with_too_many_ticker_items_is_refused(tmp_path):
    text = "Breaking News:\n\nOil Climbs\n\n" * 4 + page("Story", byline="Jo")
    write(tmp_path, "a.txt", text)
    _, err = run(tmp_path, expect_exit=1)
    assert "a.txt: line 13: too many ticker items: a page may carry at most 3" in err
    assert not TickerItem.objects.exists()


def test_the_live_oilprice_tail_is_imported_without_its_furniture(tmp_path):
    story = "U.S. Crude Inventories Fall\n\nStocks fell by 4.2 million barrels.\n\n.\n\n"
    write(tmp_path, "a.txt", story + OILPRICE_TAIL)
    run(tmp_path)
    article = Article.objects.get()
    assert article.body == "<p>Stocks fell by 4.2 million barrels.</p>"
    assert (article.credit_line, article.source_name) == ("Julianne Geiger", "Oilprice.com")
    assert article.status == Article.Status.PUBLISHED


def test_a_doubtful_page_is_imported_for_review_with_a_warning(tmp_path):
    write(tmp_path, "a.txt", DOUBTFUL)
    _out, err = run(tmp_path)
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert article.published_at is None
    assert not Article.objects.published().exists()
    assert "a.txt: line 1: the headline ends in a full stop; line 3" in err
    assert "imported for review, not published: The parser doubts the page" in err


def test_junk_pages_are_refused_and_leave_nothing(tmp_path):
    write(tmp_path, "nav.txt", "Home\n\nEDITION: U.S.\n\nSkip to main content\n\nNews\n\nSport\n")
    write(tmp_path, "body.txt", "It rained. " * 40 + "\n\nAnother paragraph.\n")
    _, err = run(tmp_path, expect_exit=1)
    assert "nav.txt: line 1: no headline: the page starts with site navigation (“Home”)" in err
    assert "body.txt: line 1: no headline: the first block is a paragraph of 439 characters" in err
    assert not Article.objects.exists()
    assert not SourceFile.objects.exists()


def test_the_dry_run_json_shows_the_same_decisions(tmp_path):
    write(tmp_path, "a_good.txt", page("Story", byline="Jo"))
    write(tmp_path, "b_doubtful.txt", DOUBTFUL)
    write(tmp_path, "c_anonymous.txt", "Nobody Wrote This\n\nA paragraph.\n")
    write(tmp_path, "d_junk.txt", "Home\n\nMenu\n\nNews\n")
    out, _ = run(tmp_path, "--dry-run", "--format=json", expect_exit=1)
    good, doubtful, anonymous, junk = json.loads(out)
    assert (good["status"], good["warnings"]) == ("published", [])
    assert doubtful["status"] == "review"
    assert doubtful["warnings"][0].startswith("b_doubtful.txt: line 1: the headline ends in a full stop")
    assert doubtful["warnings"][1].startswith("b_doubtful.txt: would be imported for review, not published")
    assert anonymous["status"] == "review"
    assert "Add at least one author, or a credit line" in anonymous["warnings"][0]
    assert junk == {"source": "d_junk.txt", "error": "d_junk.txt: line 1: " + junk["error"].split("line 1: ")[1]}
    assert junk["error"].startswith("d_junk.txt: line 1: no headline: the page starts with site navigation")

    run(tmp_path, expect_exit=1)
    statuses = dict(Article.objects.values_list("headline", "status"))
    assert statuses == {"Story": "published", "Exclusive.": "review", "Nobody Wrote This": "review"}


def test_records_from_before_paths_keep_unchanged_nested_files_unchanged(tmp_path):
    (tmp_path / "energy").mkdir()
    path = write(tmp_path / "energy", "a.txt", page("Story", byline="Jo"))
    run(tmp_path)
    # As the importer recorded it before paths, and as the migration marks it.
    SourceFile.objects.update(name="a.txt", by_file_name=True)
    out, _ = run(tmp_path)
    assert "unchanged: 1" in summary(out)
    path.write_text(page("Story", "A corrected paragraph.", byline="Jo"), encoding="utf-8")
    out, _ = run(tmp_path)
    assert "updated: 1" in summary(out)
    assert Article.objects.get().body == "<p>A corrected paragraph.</p>"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_marks_every_existing_record_as_known_by_file_name(tmp_path):
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0011_listing_and_sitemap_indexes")])
    old_apps = executor.loader.project_state([("articles", "0011_listing_and_sitemap_indexes")]).apps
    OldArticle = old_apps.get_model("articles", "Article")
    OldSourceFile = old_apps.get_model("articles", "SourceFile")
    article = OldArticle.objects.create(headline="Story", slug="story")
    OldSourceFile.objects.create(name="a.txt", sha256="0" * 64, article=article)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(SourceFile.objects.values_list("name", "by_file_name")) == [("a.txt", True)]


# The progress line


def test_progress_is_drawn_in_place_on_a_terminal():
    written, now = [], [100.0]
    progress = Progress(1000, write=written.append, on_terminal=True, interval=0.5, clock=lambda: now[0])
    now[0] = 102.0
    progress.advance(500)
    now[0] = 102.1
    progress.advance(100)  # too soon to redraw
    now[0] = 104.0
    progress.advance(400)
    progress.finish()
    assert written == [
        CLEAR_LINE + "500/1,000 files, 250 pages/s, 2 s left",
        CLEAR_LINE + "1,000/1,000 files, 250 pages/s, 0 s left",
        CLEAR_LINE,
    ]


def test_progress_writes_nothing_off_a_terminal():
    written = []
    progress = Progress(10, write=written.append, on_terminal=False)
    progress.advance(10)
    progress.finish()
    assert written == []


def test_the_command_adds_nothing_to_stderr_off_a_terminal_and_stdout_stays_json(tmp_path):
    write(tmp_path, "a.txt", page("Story", byline="Jo"))
    out, err = StringIO(), StringIO()
    call_command("import_seeds", str(tmp_path), "--dry-run", "--format=json", stdout=out, stderr=err)
    assert json.loads(out.getvalue())[0]["headline"] == "Story"
    assert err.getvalue() == "Files found: 1. Parsed: 1. Files refused: 0. Dry run: nothing written.\n"
