"""Import scraped news pages (``seeds/*.txt``) and IPTC ninjs items (``*.json``) as articles,
authors and ticker items.

Each file is parsed by ``articles.seed_parser`` (ninjs: ``articles.ninjs_source``) and written by
``articles.services`` in its own transaction, so a refused file leaves nothing behind and the run
goes on. Importing the same files again changes nothing; a file whose content changed updates its
article in place. Files are known by their path relative to the folder given, so that two
folders' "index.txt" stay two sources; files over IMPORT_MAX_FILE_BYTES and symbolic links out of
the folder are refused.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.import_progress import Progress
from articles.models import Article, ArticleConflict
from articles.seed_files import find_seed_files, read_group, read_groups
from articles.services import SeedFile, SeedImporter, import_decision, refresh_planner_statistics

# Files written per transaction; a group that fails is retried file by file.
GROUP_SIZE = 500
IMPORT_ERRORS = (ValidationError, ArticleConflict, DatabaseError)


@dataclass
class Tally:
    found: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    authors: int = 0
    ticker_items: int = 0
    for_review: int = 0
    refused: int = 0

    def summary(self, *, dry_run=False):
        if dry_run:
            parsed = self.found - self.refused
            return (
                f"Files found: {self.found}. Parsed: {parsed}. Files refused: {self.refused}. Dry run: nothing written."
            )
        return (
            f"Files found: {self.found}. Articles created: {self.created}, updated: {self.updated}, "
            f"unchanged: {self.unchanged}. Authors created: {self.authors}. "
            f"Ticker items created: {self.ticker_items}. "
            + (f"Imported for review, not published: {self.for_review}. " if self.for_review else "")
            + f"Files refused: {self.refused}."
        )

    def count(self, outcome):
        setattr(self, outcome.result, getattr(self, outcome.result) + 1)
        self.authors += outcome.authors_created
        self.ticker_items += outcome.ticker_items_created
        self.for_review += bool(outcome.held_for_review)


class Command(BaseCommand):
    help = "Import scraped news pages (.txt) and ninjs items (.json) as articles, authors and breaking-news items."
    # The models' checks only: the others (URLs, templates, the admin) concern serving pages,
    # and import every view and the API's schemas, a tenth of an unchanged re-import's time.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Files or folders of .txt pages and .json ninjs items (default: seeds/).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="With --dry-run: 'json' prints one object per file as a JSON list on stdout.",
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.PUBLISHED, Article.Status.DRAFT],
            default=Article.Status.PUBLISHED,
            help="Status of newly imported articles (default: published now).",
        )

    def handle(self, *args, paths, dry_run, format, status, verbosity, **options):
        if format == "json" and not dry_run:
            raise CommandError("--format=json goes with --dry-run.")
        try:
            files = list(find_seed_files(paths or [settings.BASE_DIR / "seeds"]))
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        self.progress = Progress(
            len(files),
            write=lambda text: self.stderr.write(text, style_func=str, ending=""),
            on_terminal=self.stderr.isatty(),
        )
        if dry_run:
            # stdout carries only the parse; the summary goes to stderr.
            tally = self.parse_only(files, format, status)
            self.progress.finish()
            self.stderr.write(tally.summary(dry_run=True))
        else:
            tally = self.import_files(files, status, verbosity)
            self.progress.finish()
            self.stdout.write(tally.summary())
        if tally.refused:
            sys.exit(1)

    def import_files(self, files, status, verbosity):
        importer = SeedImporter(status=status, ticker_lifetime=settings.IMPORT_TICKER_LIFETIME)
        tally = Tally()
        groups = read_groups(
            files,
            size=GROUP_SIZE,
            known_hashes=importer.known_hashes,
            max_bytes=settings.IMPORT_MAX_FILE_BYTES,
            words=True,  # each new article's vocabulary words, given with it (search.words_given)
        )
        for group in groups:
            tally.found += len(group)
            lines, to_import = {}, []
            for read in group:
                if read.unchanged:
                    tally.unchanged += 1
                    lines[read.path] = f"unchanged {read.name}"
                elif read.error:
                    self.refuse(tally, read.path, read.error)
                else:
                    self.warn(read.warnings)
                    seed_file = SeedFile(
                        read.name, read.sha256, read.page, read.body_html, read.fingerprint, words=read.words
                    )
                    to_import.append((read.path, seed_file))
            for path, outcome in self.write(importer, to_import, tally):
                tally.count(outcome)
                if outcome.held_for_review:
                    self.warn([f"{path}: imported for review, not published: {outcome.held_for_review}"])
                lines[path] = f"{outcome.result:<9} {outcome.source_name} → {outcome.article.slug}"
            if verbosity >= 2:
                self.progress.clear()
                for read in group:
                    if read.path in lines:
                        self.stdout.write(lines[read.path])
            self.progress.advance(len(group))
        if tally.created or tally.updated or tally.ticker_items:
            refresh_planner_statistics()
        return tally

    def write(self, importer, files, tally):
        """Import a group in one transaction; if anything in it is bad, import the files one
        by one to refuse just the bad ones. Yields (path, ImportOutcome)."""
        try:
            outcomes = importer.import_files([file for _, file in files])
            yield from zip([path for path, _ in files], outcomes, strict=True)
            return
        except IMPORT_ERRORS:
            pass
        for path, file in files:
            try:
                (outcome,) = importer.import_files([file])
            except IMPORT_ERRORS as error:
                self.refuse(tally, path, error)
            else:
                yield path, outcome

    def refuse(self, tally, path, error):
        tally.refused += 1
        self.progress.clear()
        self.stderr.write(self.style.ERROR(f"Refused {path}: {error}"))

    def parse_only(self, files, format, status):
        """Parse every file and print what importing it would do, streaming the JSON list one
        file at a time: the page, the status it would get and its warnings, or the refusal."""
        tally = Tally()
        if format == "json":
            self.stdout.write("[", ending="")
        for seed_path in files:
            tally.found += 1
            (read,) = read_group([seed_path], {}, settings.IMPORT_MAX_FILE_BYTES)
            if read.error:
                self.refuse(tally, read.path, read.error)
                result = {"source": read.name, "error": read.error}
            else:
                would_get, held = import_decision(read.page, read.body_html, status=status)
                warnings = read.warnings + (
                    [f"{read.name}: would be imported for review, not published: {held}"] if held else []
                )
                self.warn(warnings)
                result = {
                    "source": read.name,
                    "sha256": read.sha256,
                    **read.page.as_dict(),
                    "status": would_get,
                    "warnings": warnings,
                }
            if format == "json":
                separator = "\n" if tally.found == 1 else ",\n"
                self.stdout.write(separator + json.dumps(result, ensure_ascii=False), ending="")
            elif "error" not in result:
                self.progress.clear()
                self.stdout.write(f"{read.name}: {result['headline']}")
            self.progress.advance(1)
        if format == "json":
            self.stdout.write("\n]")
        return tally

    def warn(self, warnings):
        if warnings:
            self.progress.clear()
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
