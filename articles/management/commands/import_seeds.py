"""Import scraped news pages (``seeds/*.txt``) and IPTC ninjs items (``*.json``) as articles,
authors and ticker items.

Each file is parsed by ``articles.seed_parser`` (ninjs: ``articles.ninjs_source``) and written by
``articles.services`` in its own transaction, so a refused file leaves nothing behind and the run
goes on. Importing the same files again changes nothing; a file whose content changed updates its
article in place.
"""

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.models import Article, ArticleConflict
from articles.seed_files import SUFFIXES, parse_file_bytes, read_groups
from articles.seed_parser import SeedParseError
from articles.services import SeedFile, SeedImporter

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


def seed_files(paths):
    """Every ``*.txt`` and ``*.json`` file named or found below the given paths, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.suffix.lower() in SUFFIXES and candidate.is_file()
            )
        elif path.is_file():
            yield path
        else:
            raise CommandError(f"{path} is neither a file nor a folder.")


class Command(BaseCommand):
    help = "Import scraped news pages (.txt) and ninjs items (.json) as articles, authors and breaking-news items."

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
        files = seed_files(paths or [settings.BASE_DIR / "seeds"])
        if dry_run:
            # stdout carries only the parse; the summary goes to stderr.
            tally = self.parse_only(files, format)
            self.stderr.write(tally.summary(dry_run=True))
        else:
            tally = self.import_files(files, status, verbosity)
            self.stdout.write(tally.summary())
        if tally.refused:
            sys.exit(1)

    def import_files(self, files, status, verbosity):
        importer = SeedImporter(status=status)
        tally = Tally()
        for group in read_groups(files, size=GROUP_SIZE, known_hashes=importer.known_hashes):
            tally.found += len(group)
            lines, to_import = {}, []
            for read in group:
                if read.unchanged:
                    tally.unchanged += 1
                    lines[read.path] = f"unchanged {read.path.name}"
                elif read.error:
                    self.refuse(tally, read.path, read.error)
                else:
                    self.warn(read.warnings)
                    to_import.append((read.path, SeedFile(name=read.path.name, sha256=read.sha256, page=read.page)))
            for path, outcome in self.write(importer, to_import, tally):
                tally.count(outcome)
                if outcome.held_for_review:
                    self.warn([f"{path}: imported for review, not published: {outcome.held_for_review}"])
                lines[path] = f"{outcome.result:<9} {path.name} → {outcome.article.slug}"
            if verbosity >= 2:
                for read in group:
                    if read.path in lines:
                        self.stdout.write(lines[read.path])
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
        self.stderr.write(self.style.ERROR(f"Refused {path}: {error}"))

    def parse_only(self, files, format):
        """Parse every file and print the result, streaming the JSON list one file at a time."""
        tally = Tally()
        if format == "json":
            self.stdout.write("[", ending="")
        for path in files:
            tally.found += 1
            data = path.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
            try:
                page, warnings = parse_file_bytes(data, source=path.name)
                self.warn(warnings)
                result = {"source": path.name, "sha256": sha256, **page.as_dict()}
            except SeedParseError as error:
                tally.refused += 1
                self.stderr.write(self.style.ERROR(f"Refused {path}: {error}"))
                result = {"source": path.name, "error": str(error)}
            if format == "json":
                separator = "\n" if tally.found == 1 else ",\n"
                self.stdout.write(separator + json.dumps(result, ensure_ascii=False), ending="")
            elif "error" not in result:
                self.stdout.write(f"{path.name}: {result['headline']}")
        if format == "json":
            self.stdout.write("\n]")
        return tally

    def warn(self, warnings):
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
