"""The import_seeds command and the importer service behind it, against a real database."""

import hashlib
import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleAuthor, SourceFile
from articles.services import story_fingerprint
from articles.vocabulary import indexed_words
from authors.models import Author
from breaking.models import TickerItem
from newsroom.settings.base import BASE_DIR

pytestmark = pytest.mark.django_db

SEED = BASE_DIR / "seeds" / "000_1d03e6d351da8d54.txt"


def page(headline, *paragraphs, byline=None, ticker=None, previous=None, next=None, author=None, bio=None):
    """A page in the scraped format."""
    blocks = []
    if ticker:
        blocks += ["Breaking News:", ticker]
    blocks += [headline, *(paragraphs or ["A paragraph of the story."])]
    if byline:
        blocks.append(f"By {byline}")
    blocks += ["More Top Reads From Example News", "Back to homepage", "Loading ..."]
    if previous:
        blocks.append(f"« Previous: {previous}")
    if next:
        blocks.append(f"Next: {next} »")
    if author:
        blocks += [author, f"{bio or 'Writes about energy and'}… More"]
    return "\n\n".join(blocks) + "\n"


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args, expect_exit=0):
    """Run the command; return (stdout, stderr) and check the exit status."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *map(str, args), stdout=out, stderr=err)
        status = 0
    except SystemExit as exit:
        status = exit.code
    assert status == expect_exit, err.getvalue()
    return out.getvalue(), err.getvalue()


def summary(out):
    return out.strip().splitlines()[-1]


def test_imports_the_real_seed_page():
    out, _ = run(SEED)
    assert summary(out) == (
        "Files found: 1. Articles created: 1, updated: 0, unchanged: 0. Authors created: 1. "
        "Ticker items created: 1. Files refused: 0."
    )
    article = Article.objects.get()
    assert article.headline == "U.S. Intelligence Claims Russia Is Buying Weapons From North Korea"
    assert article.credit_line == "RFE/RL"
    assert article.source_name == "Oilprice.com"
    assert article.body.count("<p>") == 10
    assert article.previous_headline == "China Replaces Russia As Dominant Force In Central Asia"
    assert article.next_headline == "Russia Security Chief Threatens Nuclear Option To Protect New Territories"
    assert article.fingerprint == story_fingerprint(article.headline, "RFE/RL")
    assert Article.objects.published().get() == article
    author = Author.objects.get()
    assert author.name == "RFE/RL staff"
    assert author.bio.endswith("We provide what many…")
    assert list(article.authors.all()) == [author]
    item = TickerItem.objects.live().get()
    assert item.text == "Asian Oil Imports Dropped in April"
    assert item.ticker.slug == "breaking-news"
    source = SourceFile.objects.get()
    assert source.name == SEED.name
    assert source.article == article
    assert source.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_with_no_path_imports_the_repo_seeds_folder():
    out, _ = run()
    assert summary(out).startswith(f"Files found: {len(list((BASE_DIR / 'seeds').glob('*.txt')))}.")
    assert Article.objects.filter(headline__startswith="U.S. Intelligence Claims").exists()


def test_reimport_changes_nothing_and_reports_unchanged():
    run(SEED)
    article = Article.objects.get()
    versions = Version.objects.count()
    out, _ = run(SEED)
    assert summary(out) == (
        "Files found: 1. Articles created: 0, updated: 0, unchanged: 1. Authors created: 0. "
        "Ticker items created: 0. Files refused: 0."
    )
    fresh = Article.objects.get()
    assert fresh.published_at == article.published_at
    assert fresh.version == article.version
    assert fresh.updated_at == article.updated_at
    assert Version.objects.count() == versions
    assert (Author.objects.count(), TickerItem.objects.count(), SourceFile.objects.count()) == (1, 1, 1)


def test_reimport_of_unchanged_files_purges_no_page(django_capture_on_commit_callbacks):
    run(SEED)
    with django_capture_on_commit_callbacks() as purges:
        run(SEED)
    assert purges == []


def test_changed_file_updates_its_article_in_place_with_a_revision(tmp_path):
    path = write(tmp_path, "story.txt", page("Storm hits coast", "First version.", byline="Ana Díaz"))
    run(path)
    article = Article.objects.get()
    versions = Version.objects.get_for_object(article).count()

    write(tmp_path, "story.txt", page("Storm hits coast", "Second version.", "More news.", byline="Ana Díaz"))
    out, _ = run(path)
    assert "Articles created: 0, updated: 1, unchanged: 0" in summary(out)
    updated = Article.objects.get()
    assert updated.pk == article.pk
    assert updated.body == "<p>Second version.</p><p>More news.</p>"
    assert updated.published_at == article.published_at
    assert Version.objects.get_for_object(updated).count() == versions + 1
    assert SourceFile.objects.get().sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_changed_headline_in_the_same_file_updates_the_same_article(tmp_path):
    path = write(tmp_path, "story.txt", page("Storm hits coast", byline="Ana Díaz"))
    run(path)
    write(tmp_path, "story.txt", page("Storm hits the coast", byline="Ana Díaz"))
    run(path)
    article = Article.objects.get()
    assert article.headline == "Storm hits the coast"
    assert article.fingerprint == story_fingerprint("Storm hits the coast", "Ana Díaz")


def test_same_story_under_another_file_name_is_one_article(tmp_path):
    write(tmp_path, "a.txt", page("Prices fall", "Oil prices fell.", byline="Li Wei"))
    write(
        tmp_path, "b.txt", "\ufeff" + page("Prices  fall ", "Oil prices fell.", byline="Li Wei").replace("\n", "\r\n")
    )
    out, _ = run(tmp_path)
    assert "Articles created: 1, updated: 0, unchanged: 1" in summary(out)
    article = Article.objects.get()
    assert sorted(article.source_files.values_list("name", flat=True)) == ["a.txt", "b.txt"]


def test_fingerprint_ignores_case_spacing_quotes_and_unicode_form():
    assert story_fingerprint("The “Big” Storm", "Zoë  Brontë") == story_fingerprint(
        'the "big"  storm ', "Zoe\u0308 Brontë"
    )
    assert story_fingerprint("The storm", "A") != story_fingerprint("The storm", "B")
    assert story_fingerprint("The storm", None) == story_fingerprint("The storm", "")


def test_draft_status_imports_for_review(tmp_path):
    run(write(tmp_path, "a.txt", page("Quiet day", byline="Li Wei")), "--status", "draft")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


CHAIN = [
    ("one.txt", page("First story", byline="A", next="Second story")),
    ("two.txt", page("Second story", byline="A", previous="First story", next="Third story")),
    ("three.txt", page("Third story", byline="A", previous="Second story")),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_previous_and_next_become_links_in_any_import_order(tmp_path, order):
    for index in order:
        name, text = CHAIN[index]
        run(write(tmp_path, name, text))
    first, second, third = (Article.objects.get(headline=f"{n} story") for n in ("First", "Second", "Third"))
    assert first.next_article == second
    assert second.previous_article == first
    assert second.next_article == third
    assert third.previous_article == second
    assert first.previous_article is None
    assert third.next_article is None


def test_an_import_of_several_groups_reads_the_later_ones_in_a_worker_and_links_across_them(tmp_path, monkeypatch):
    from articles.management.commands import import_seeds

    monkeypatch.setattr(import_seeds, "GROUP_SIZE", 1)
    for name, text in CHAIN:
        write(tmp_path, name, text)
    write(tmp_path, "zero.txt", "")
    out, _ = run(tmp_path, expect_exit=1)
    assert "Files found: 4. Articles created: 3," in summary(out)
    first, second, third = (Article.objects.get(headline=f"{n} story") for n in ("First", "Second", "Third"))
    assert (first.next_article, second.previous_article, second.next_article) == (second, first, third)
    assert third.previous_article == second
    assert sorted(SourceFile.objects.values_list("name", flat=True)) == ["one.txt", "three.txt", "two.txt"]


def test_an_import_adds_the_words_of_the_stored_articles_to_the_search_vocabulary(tmp_path, monkeypatch):
    # Two articles inserted by one statement, and one whose page the reading worker parsed
    # (it computes the words, and the insert takes them).
    from articles.management.commands import import_seeds

    monkeypatch.setattr(import_seeds, "GROUP_SIZE", 2)
    write(tmp_path, "a.txt", page("Harbour Bridge Opens", "The crossing & its toll <for now>.", byline="AP"))
    write(tmp_path, "b.txt", page("Ferry Fares Rise", "Commuters pay 5% more from Monday.", byline="AP"))
    write(tmp_path, "c.txt", page("Tram Line Extended", "Three stops open in spring.", byline="AP"))
    run(tmp_path)

    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM articles_search_word")
        vocabulary = {word for (word,) in cursor.fetchall()}
    stored = set()
    for texts in Article.objects.values_list("headline", "dek", "body"):
        stored.update(json.loads(indexed_words(*texts)))
    assert vocabulary == stored
    assert {"harbour", "toll", "for", "now", "commuters", "5", "monday", "tram", "spring"} <= vocabulary
    assert "amp" not in vocabulary  # the body's "&amp;" is an entity, not a word


def test_unresolved_navigation_keeps_the_headline(tmp_path):
    run(write(tmp_path, "a.txt", page("Lonely story", byline="A", previous="Never imported")))
    article = Article.objects.get()
    assert article.previous_headline == "Never imported"
    assert article.previous_article is None


def test_authors_are_matched_by_name_across_pages(tmp_path):
    write(tmp_path, "a.txt", page("Story one", byline="Zoë Brontë", author="Zoë Brontë", bio="Covers science and"))
    write(tmp_path, "b.txt", page("Story two", byline="Zoë Brontë", author="Zoë Brontë", bio="Covers science and"))
    out, _ = run(tmp_path)
    assert "Authors created: 1." in summary(out)
    author = Author.objects.get()
    assert author.articles.count() == 2
    assert author.bio == "Covers science and…"


def test_new_authors_whose_names_make_the_same_slug_get_slugs_of_their_own(tmp_path):
    Author.objects.create(name="Zoe Bronte", slug="zoe-bronte")
    write(tmp_path, "a.txt", page("Story one", byline="Zoë Brontë", author="Zoë Brontë"))
    write(tmp_path, "b.txt", page("Story two", byline="ZOE BRONTE", author="ZOE BRONTE"))
    write(tmp_path, "c.txt", page("Story three", byline="Ida Wells", author="Ida Wells"))
    out, _ = run(tmp_path)
    assert "Authors created: 3." in summary(out)
    slugs = dict(Author.objects.values_list("name", "slug"))
    assert slugs == {
        "Zoe Bronte": "zoe-bronte",
        "Zoë Brontë": "zoe-bronte-2",
        "ZOE BRONTE": "zoe-bronte-3",
        "Ida Wells": "ida-wells",
    }


def test_byline_only_names_the_author_with_an_empty_bio(tmp_path):
    run(write(tmp_path, "a.txt", page("Story", byline="Jo March for The Globe")))
    author = Author.objects.get()
    assert author.name == "Jo March"
    assert author.bio == ""
    article = Article.objects.get()
    assert article.credit_line == "Jo March"


def test_imported_bio_fills_an_empty_bio_but_never_replaces_an_editors(tmp_path):
    Author.objects.create(name="Editor Kept", bio="Written by an editor.")
    Author.objects.create(name="Empty Bio")
    write(tmp_path, "a.txt", page("Story a", byline="X", author="Editor Kept", bio="Scraped bio"))
    write(tmp_path, "b.txt", page("Story b", byline="Y", author="Empty Bio", bio="Scraped bio"))
    run(tmp_path)
    assert Author.objects.get(name="Editor Kept").bio == "Written by an editor."
    assert Author.objects.get(name="Empty Bio").bio == "Scraped bio…"
    assert Author.objects.count() == 2


def test_one_ticker_item_per_distinct_text(tmp_path):
    write(tmp_path, "a.txt", page("Story a", byline="X", ticker="Markets close higher"))
    write(tmp_path, "b.txt", page("Story b", byline="X", ticker="Markets close higher"))
    write(tmp_path, "c.txt", page("Story c", byline="X", ticker="Storm warning issued"))
    out, _ = run(tmp_path)
    assert "Ticker items created: 2." in summary(out)
    assert sorted(TickerItem.objects.live().values_list("text", flat=True)) == [
        "Markets close higher",
        "Storm warning issued",
    ]


def test_imported_body_is_sanitised(tmp_path):
    run(write(tmp_path, "a.txt", page("Story", "<script>alert(1)</script> <img src=x onerror=alert(1)>", byline="X")))
    body = Article.objects.get().body
    assert "<script" not in body
    assert "<img" not in body
    assert body.startswith("<p>&lt;script&gt;")


def test_a_refused_file_among_good_ones_leaves_nothing_and_the_run_goes_on(tmp_path):
    write(tmp_path, "1-good.txt", page("Good one", byline="X", ticker="First alert"))
    write(tmp_path, "2-empty.txt", "")
    # Parses, then fails while writing: the article and author it created must roll back.
    write(tmp_path, "3-bad.txt", page("Bad one", byline="Y", author="Bad Author", ticker="x" * 300))
    write(tmp_path, "4-good.txt", page("Good two", byline="X"))
    out, err = run(tmp_path, expect_exit=1)
    assert summary(out) == (
        "Files found: 4. Articles created: 2, updated: 0, unchanged: 0. Authors created: 1. "
        "Ticker items created: 1. Files refused: 2."
    )
    assert "2-empty.txt" in err
    assert "empty" in err.lower()
    assert "3-bad.txt" in err
    assert "280" in err
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Good one", "Good two"]
    assert not Author.objects.filter(name="Bad Author").exists()
    assert sorted(SourceFile.objects.values_list("name", flat=True)) == ["1-good.txt", "4-good.txt"]


def test_refusals_are_named_even_at_verbosity_zero(tmp_path):
    write(tmp_path, "nul.txt", "Headline\n\nBody\x00")
    _out, err = run(tmp_path, "--verbosity", "0", expect_exit=1)
    assert "nul.txt" in err


def test_verbosity_two_prints_one_line_per_file(tmp_path):
    write(tmp_path, "a.txt", page("Story a", byline="X"))
    write(tmp_path, "b.txt", page("Story b", byline="X"))
    run(tmp_path)
    write(tmp_path, "c.txt", page("Story c", byline="X"))
    out, _ = run(tmp_path, "--verbosity", "2")
    lines = out.strip().splitlines()
    assert lines[:-1] == ["unchanged a.txt", "unchanged b.txt", "created   c.txt → story-c"]


def test_windows_1252_file_is_imported_with_a_warning(tmp_path):
    (tmp_path / "legacy.txt").write_bytes(page("Café owners protest", "Prices rose 5€.", byline="X").encode("cp1252"))
    _out, err = run(tmp_path)
    assert "legacy.txt" in err
    assert "Windows-1252" in err or "cp1252" in err.lower()
    assert Article.objects.get().headline == "Café owners protest"


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="neither a file nor a folder"):
        call_command("import_seeds", str(tmp_path / "nowhere"))


def test_dry_run_writes_nothing_and_prints_the_json_contract(tmp_path):
    write(tmp_path, "a.txt", SEED.read_text(encoding="utf-8"))
    write(tmp_path, "b.txt", "   \n\n  ")
    out, err = run(tmp_path, "--dry-run", "--format=json", expect_exit=1)
    parsed = json.loads(out)
    assert [entry["source"] for entry in parsed] == ["a.txt", "b.txt"]
    good, bad = parsed
    assert list(good) == [
        "source",
        "sha256",
        "ticker",
        "headline",
        "body",
        "byline",
        "publisher",
        "previous",
        "next",
        "author",
        "status",
        "warnings",
    ]
    assert good["status"] == "published"
    assert good["warnings"] == []
    assert good["sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert good["ticker"] == ["Asian Oil Imports Dropped in April"]
    assert len(good["body"]) == 10
    assert good["byline"] == "RFE/RL"
    assert good["publisher"] == "Oilprice.com"
    assert good["author"]["name"] == "RFE/RL staff"
    assert set(bad) == {"source", "error"}
    assert "Files found: 2. Parsed: 1. Files refused: 1." in err
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not SourceFile.objects.exists()
    assert not TickerItem.objects.exists()


def test_dry_run_json_for_a_page_with_nobody_named(tmp_path):
    write(tmp_path, "a.txt", "Headline only story\n\nJust a paragraph.\n")
    out, _ = run(tmp_path, "--dry-run", "--format=json")
    (entry,) = json.loads(out)
    assert entry["author"] is None
    assert entry["byline"] is None
    assert entry["publisher"] is None
    assert entry["ticker"] == []


def test_json_format_needs_dry_run():
    with pytest.raises(CommandError, match="--dry-run"):
        call_command("import_seeds", "--format=json")


def test_reimport_never_moves_the_publication_time_even_when_updated(tmp_path):
    path = write(tmp_path, "a.txt", page("Story", "One.", byline="X"))
    run(path)
    first = Article.objects.get().published_at
    assert first <= timezone.now()
    write(tmp_path, "a.txt", page("Story", "Two.", byline="X"))
    run(path)
    assert Article.objects.get().published_at == first
    assert ArticleAuthor.objects.count() == 1


def test_an_imported_article_has_a_first_revision_that_reverts_with_its_byline():
    run(SEED)
    article = Article.objects.get()
    (first,) = Version.objects.get_for_object(article)
    assert first.revision.comment == f"Imported from {SEED.name}"
    assert first.field_dict["headline"] == article.headline
    assert first.field_dict["body"] == article.body

    article.headline = "Edited by the desk"
    article.save()
    ArticleAuthor.objects.filter(article=article).delete()
    assert Version.objects.get_for_object(article).count() == 2

    first.revision.revert(delete=True)
    article.refresh_from_db()
    assert article.headline == "U.S. Intelligence Claims Russia Is Buying Weapons From North Korea"
    assert [byline.author.name for byline in article.bylines.all()] == ["RFE/RL staff"]


# The publishing gate and revisions


def test_a_page_with_neither_author_nor_credit_line_is_imported_for_review_not_published(tmp_path):
    write(tmp_path, "anonymous.txt", page("Nobody wrote this", "A paragraph."))
    write(tmp_path, "credited.txt", page("Wire copy", "A paragraph.", byline="Reuters"))

    out, err = run(tmp_path)

    held = Article.objects.get(headline="Nobody wrote this")
    assert (held.status, held.published_at) == (Article.Status.REVIEW, None)
    assert Article.objects.published().get().headline == "Wire copy"
    assert "anonymous.txt: imported for review, not published: Add at least one author, or a credit line" in err
    assert "Imported for review, not published: 1." in summary(out)


def test_the_gate_holds_pages_whose_headline_is_too_long_for_aggregators(tmp_path):
    headline = (
        "Oil Majors Brace for Windfall Tax as Brent Soars Past $120 a Barrel and Ministers Weigh Emergency Curbs "
        "on Household Bills"
    )
    write(tmp_path, "long.txt", page(headline, "A paragraph.", byline="AP"))
    run(tmp_path)
    assert Article.objects.get().status == Article.Status.REVIEW


def test_importing_for_review_on_purpose_warns_about_nothing(tmp_path):
    write(tmp_path, "anonymous.txt", page("Nobody wrote this", "A paragraph."))
    out, err = run(tmp_path, "--status", "draft")
    assert Article.objects.get().status == Article.Status.DRAFT
    assert "imported for review" not in err and "Imported for review" not in out


def test_each_imported_article_gets_a_revision_of_its_own(tmp_path):
    for number in range(3):
        write(tmp_path, f"{number}.txt", page(f"Story {number}", "A paragraph.", author=f"Writer {number}"))

    run(tmp_path)

    for article in Article.objects.all():
        revision = Version.objects.get_for_object(article).get().revision
        rows = {(v.content_type.model, v.field_dict.get("article_id", v.object_id)) for v in revision.version_set.all()}
        assert rows == {("article", str(article.pk)), ("articleauthor", article.pk)}
        assert revision.get_comment() == f"Imported from {article.source_files.get().name}"


# ninjs items (*.json), read by articles/ninjs_source.py

IPTC_EXAMPLES = BASE_DIR / "api" / "tests" / "files" / "ninjs" / "examples"


def ninjs(headline, *paragraphs, by=None, uri="urn:example:story"):
    item = {"uri": uri, "type": "text", "headlines": [{"role": "main", "value": headline}]}
    html = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs or ["A paragraph of the story."])
    item["bodies"] = [{"role": "main", "contentType": "text/html", "value": html}]
    if by:
        item["by"] = by
    return json.dumps(item)


def test_iptcs_example_items_import_as_one_story_published_under_their_credit_line(tmp_path):
    for example in IPTC_EXAMPLES.glob("*.json"):
        write(tmp_path, example.name, example.read_text(encoding="utf-8"))
    out, _ = run(tmp_path)
    # Four renderings of one story (two versions of ninjs, simple and complex): one article.
    assert summary(out).startswith("Files found: 4. Articles created: 1, updated: 0, unchanged: 3.")
    article = Article.objects.get()
    assert article.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert article.body.count("<p>") == 4
    assert article.credit_line == "Paulo Santalucia and Frances d'Emilio"
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert SourceFile.objects.count() == 4
    out, _ = run(tmp_path)
    assert summary(out).startswith("Files found: 4. Articles created: 0, updated: 0, unchanged: 4.")


def test_ninjs_items_and_text_pages_import_together_and_dedupe_across_formats(tmp_path):
    write(tmp_path, "a.txt", page("Refinery output falls", byline="Jane Doe"))
    write(tmp_path, "b.json", ninjs("Refinery output falls", "Other words.", by="Jane Doe"))
    write(tmp_path, "c.json", ninjs("Pipeline reopens", by="By Jane Doe for Example News"))
    out, _ = run(tmp_path)
    assert summary(out) == (
        "Files found: 3. Articles created: 2, updated: 0, unchanged: 1. Authors created: 1. "
        "Ticker items created: 0. Files refused: 0."
    )
    pipeline = Article.objects.get(headline="Pipeline reopens")
    assert pipeline.source_name == "Example News"
    assert [byline.author.name for byline in pipeline.bylines.all()] == ["Jane Doe"]


def test_a_changed_ninjs_file_updates_its_article_in_place(tmp_path):
    write(tmp_path, "a.json", ninjs("A story", "First words.", by="Jane Doe"))
    run(tmp_path)
    article = Article.objects.get()
    write(tmp_path, "a.json", ninjs("A story", "Better words.", by="Jane Doe"))
    out, _ = run(tmp_path)
    assert "updated: 1" in summary(out)
    assert Article.objects.get().pk == article.pk
    assert "Better words." in Article.objects.get().body


def test_a_refused_ninjs_file_among_good_ones_leaves_nothing_and_the_run_goes_on(tmp_path):
    write(tmp_path, "1.json", ninjs("Good one", by="Jane Doe"))
    write(tmp_path, "2.json", '{"uri": "urn:x", "type": "picture"}')
    write(tmp_path, "3.json", '{"uri": ')
    # Parses, then fails while writing (a headline longer than the field).
    write(tmp_path, "4.json", ninjs("Long " * 100, by="Bad Author"))
    write(tmp_path, "5.txt", page("Good two", byline="Jane Doe"))
    out, err = run(tmp_path, expect_exit=1)
    assert "Articles created: 2" in summary(out)
    assert "Files refused: 3." in summary(out)
    assert "2.json: a ninjs 'picture' item is not an article" in err
    assert "3.json: line 1: not JSON" in err
    assert "4.json" in err
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Good one", "Good two"]
    assert not Author.objects.filter(name="Bad Author").exists()
    assert sorted(SourceFile.objects.values_list("name", flat=True)) == ["1.json", "5.txt"]


def test_dry_run_prints_ninjs_items_in_the_same_json_contract(tmp_path):
    write(tmp_path, "a.json", ninjs("A story", "One.", "Two.", by="Jane Doe"))
    write(tmp_path, "b.json", "[]")
    out, err = run(tmp_path, "--dry-run", "--format=json", expect_exit=1)
    good, bad = json.loads(out)
    assert good == {
        "source": "a.json",
        "sha256": hashlib.sha256((tmp_path / "a.json").read_bytes()).hexdigest(),
        "ticker": [],
        "headline": "A story",
        "body": ["One.", "Two."],
        "byline": "Jane Doe",
        "publisher": None,
        "previous": None,
        "next": None,
        "author": {"name": "Jane Doe", "bio": ""},
        "status": "published",
        "warnings": [],
    }
    assert bad == {"source": "b.json", "error": "b.json: not a ninjs item: the JSON is not an object"}
    assert "Files found: 2. Parsed: 1. Files refused: 1." in err
    assert not Article.objects.exists()


def planned_rows(model):
    """How many rows the database's query planner believes ``model``'s table holds."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL LIMIT 1", [table])
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (tuples,) = cursor.fetchone()
        return int(tuples) if tuples >= 0 else None


def test_an_import_leaves_the_query_planner_statistics_of_the_tables_it_filled(tmp_path):
    for number in range(3):
        write(tmp_path, f"{number}.txt", page(f"Story {number}", "Body.", byline="Ana Ruiz", ticker=f"Flash {number}"))

    run(str(tmp_path))

    assert planned_rows(Article) == Article.objects.count() == 3
    assert planned_rows(TickerItem) == TickerItem.objects.count() == 3
    assert planned_rows(ArticleAuthor) == 3
