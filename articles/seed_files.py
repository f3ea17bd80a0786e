"""Finding and reading seed files for the importer: which files a run covers (and which it
refuses before reading them), then bytes, SHA-256, parse, the body's sanitised HTML, the
story's fingerprint and, if asked, the page's search vocabulary words, for a group of files at
a time. Needs no Django settings or database, so
a worker process can do it beside the process that writes to the database."""

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .html import paragraphs_to_html
from .ninjs_source import parse_ninjs_bytes
from .seed_parser import SeedPage, SeedParseError, parse_seed_bytes
from .vocabulary import indexed_words

SUFFIXES = (".txt", ".json")  # text pages and ninjs items


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def story_fingerprint(headline, byline):
    """The identity of a story: the same headline and byline under any file name, whatever the
    case, spacing, quote style or Unicode form, is the same story."""

    def normalise(text):
        text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
        return re.sub(r"\s+", " ", text).strip()

    return hashlib.sha256(f"{normalise(headline)}\x1f{normalise(byline)}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SeedPath:
    """A file to import. ``name`` is its path relative to the folder named on the command line
    (for a file named itself: its file name), which identifies it from one import to the next;
    ``refusal`` says why it is refused without being read. ``path`` is a string: a Path object
    for each of a 100,000 files would hold the run's peak memory some 50 MB higher."""

    path: str
    name: str
    refusal: str | None = None


@dataclass(frozen=True)
class ReadFile:
    """One file as read: ``page`` (with its body as sanitised HTML, ``body_html``, the story's
    ``fingerprint`` and, if asked, the vocabulary ``words`` of its headline and body) when it
    parsed, ``error`` when it was refused, neither when it is unchanged since it was last
    imported."""

    path: str
    name: str
    sha256: str
    page: SeedPage | None = None
    body_html: str = ""
    fingerprint: str = ""
    words: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self):
        return self.page is None and self.error is None


def find_seed_files(paths):
    """Every ``*.txt`` and ``*.json`` file named or found below ``paths`` (each a file or a folder), as
    SeedPath, each folder's files in order of their relative path. A symbolic link below a
    folder that leads out of it is refused, never followed; one that stays inside is read
    where it points (a link to a folder is not walked: its files are found where they are). A
    second file with the same relative path as one before it in this run is refused, so that
    two folders given together never overwrite each other's articles."""
    seen = {}
    for given in paths:
        if given.is_dir():
            found = _walk(given)
        elif given.is_file():
            found = [SeedPath(str(given), given.name)]
        else:
            raise FileNotFoundError(f"{given} is neither a file nor a folder.")
        for seed_path in found:
            if seed_path.refusal is None and seed_path.name in seen:
                seed_path = SeedPath(
                    seed_path.path,
                    seed_path.name,
                    f"it has the same path relative to its folder as {seen[seed_path.name]}, "
                    "imported before it in this run; import the two folders separately",
                )
            seen.setdefault(seed_path.name, seed_path.path)
            yield seed_path


def _walk(folder):
    """The files below ``folder`` that ``find_seed_files`` names, by ``os.scandir``: its entries
    know whether they are folders, files or links without a system call for each, which for
    10,000 files saves a fifth of a second of an unchanged re-import."""
    root = folder.resolve()
    prefix = "" if str(folder) == "." else str(folder)  # paths as ``folder / relative`` spells them
    found = []
    pending = [""]  # folders to read, relative to ``folder``, each ending in "/"
    while pending:
        relative_folder = pending.pop()
        try:
            with os.scandir(os.path.join(folder, relative_folder)) as entries:
                entries = list(entries)
        except OSError:
            continue  # an unreadable folder is passed over, as os.walk does
        for entry in entries:
            relative = relative_folder + entry.name
            path = os.path.join(prefix, relative)
            if entry.is_dir():  # a link to a folder counts as one; it is never walked
                if not entry.is_symlink():
                    pending.append(relative + "/")
                elif not _inside(Path(path).resolve(), root):
                    found.append(SeedPath(path, relative, _LEAVES))
            elif entry.name.lower().endswith(SUFFIXES):
                if entry.is_symlink() and not _inside(Path(path).resolve(), root):
                    found.append(SeedPath(path, relative, _LEAVES))
                elif entry.is_file():
                    found.append(SeedPath(path, relative))
    return sorted(found, key=lambda seed_path: seed_path.name)


_LEAVES = "it is a symbolic link that leads out of the import folder; it was not followed"


def _inside(path, root):
    return path == root or root in path.parents


def read_group(seed_paths, known_hashes, max_bytes, words=False):
    """Read, hash and parse ``seed_paths``; a file whose hash is its ``known_hashes`` entry is
    not parsed at all, and a file over ``max_bytes`` is refused after reading no more than
    one byte past the limit. With ``words``, each page's vocabulary words too."""
    return [_parsed(read, words) for read in _read(seed_paths, known_hashes, max_bytes)]


def _read(seed_paths, known_hashes, max_bytes):
    """Read and hash ``seed_paths``: a ReadFile for each file refused or unchanged, and
    (path, name, sha256, bytes) for each file still to parse."""
    results = []
    for seed_path in seed_paths:
        path, name = seed_path.path, seed_path.name
        if seed_path.refusal:
            results.append(ReadFile(path, name, "", error=f"{name}: {seed_path.refusal}"))
            continue
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            limit = f"{max_bytes / 1024 / 1024:.3g} MB"
            results.append(ReadFile(path, name, "", error=f"{name}: the file is larger than {limit}, the limit"))
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        if known_hashes.get(name) == sha256:
            results.append(ReadFile(path, name, sha256))
        else:
            results.append((path, name, sha256, data))
    return results


def _parsed(read, words):
    """A file from ``_read`` as a ReadFile, parsed if it was still to parse; with ``words``, the
    vocabulary words of the article it would become (a new article's summary is empty)."""
    if isinstance(read, ReadFile):
        return read
    path, name, sha256, data = read
    try:
        page, warnings = parse_file_bytes(data, source=name)
    except SeedParseError as error:
        return ReadFile(path, name, sha256, error=str(error))
    body_html = paragraphs_to_html(page.body)
    fingerprint = story_fingerprint(page.headline, page.byline)
    page_words = indexed_words(page.headline, "", body_html) if words else None
    return ReadFile(path, name, sha256, page, body_html, fingerprint, page_words, warnings=warnings)


def parse_file_bytes(data, *, source):
    """The page in a file's bytes and warnings: a ninjs item for ``*.json``, else a text page."""
    parse = parse_ninjs_bytes if source.lower().endswith(".json") else parse_seed_bytes
    return parse(data, source=source)


def read_groups(seed_paths, *, size, known_hashes, max_bytes, words=False, lookahead=2):
    """Groups of ReadFile for ``seed_paths`` in order. ``known_hashes(names)`` returns the
    recorded hash of each name; ``words`` asks for each page's vocabulary words. Groups are
    read, hashed and parsed here while few of their files (a tenth at most) are new or changed;
    at the first group with more, a worker process starts, and reads and parses the groups
    after it while this process parses that group and the caller writes. A re-import of files
    mostly unchanged (the files refused last time are parsed again) never starts the worker,
    whose start-up would cost it more than the parsing. At most ``lookahead`` groups wait in
    memory, however many files there are."""
    groups = _batched(seed_paths, size)
    for group in groups:
        read = _read(group, known_hashes([seed_path.name for seed_path in group]), max_bytes)
        if sum(not isinstance(file, ReadFile) for file in read) <= size // 10:
            yield [_parsed(file, words) for file in read]
            continue
        # Imported here: an unchanged re-import needs neither module.
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as worker:

            def submit(group):
                names = [path.name for path in group]
                return worker.submit(read_group, group, known_hashes(names), max_bytes, words)

            pending = [submit(group) for group in islice(groups, lookahead)]
            yield [_parsed(file, words) for file in read]
            for group in groups:
                pending.append(submit(group))
                yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        return


def _batched(items, size):
    group = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group
