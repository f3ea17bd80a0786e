"""Reading seed files for the importer: bytes, SHA-256 and parse, for a group of files at a
time. Pure Python with no Django imports, so a worker process can do it beside the process
that writes to the database."""

import hashlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .ninjs_source import parse_ninjs_bytes
from .seed_parser import SeedPage, SeedParseError, parse_seed_bytes

SUFFIXES = (".txt", ".json")  # text pages and ninjs items


@dataclass(frozen=True)
class ReadFile:
    """One file as read: ``page`` when it parsed, ``error`` when it was refused, neither when
    it is unchanged since it was last imported."""

    path: Path
    sha256: str
    page: SeedPage | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self):
        return self.page is None and self.error is None


def read_group(paths, known_hashes):
    """Read, hash and parse ``paths``; a file whose hash is its ``known_hashes`` entry is
    not parsed at all."""
    results = []
    for path in paths:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if known_hashes.get(path.name) == sha256:
            results.append(ReadFile(path, sha256))
            continue
        try:
            page, warnings = parse_file_bytes(data, source=path.name)
        except SeedParseError as error:
            results.append(ReadFile(path, sha256, error=str(error)))
        else:
            results.append(ReadFile(path, sha256, page=page, warnings=warnings))
    return results


def parse_file_bytes(data, *, source):
    """The page in a file's bytes and warnings: a ninjs item for ``*.json``, else a text page."""
    parse = parse_ninjs_bytes if source.lower().endswith(".json") else parse_seed_bytes
    return parse(data, source=source)


def read_groups(paths, *, size, known_hashes, lookahead=2):
    """Groups of ReadFile for ``paths`` in order, read and parsed in a worker process while the
    caller writes the previous group. ``known_hashes(names)`` returns the recorded hash of
    each name. At most ``lookahead`` groups wait in memory, however many files there are."""
    groups = _batched(paths, size)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as worker:
        pending = []
        for group in groups:
            pending.append(worker.submit(read_group, group, known_hashes([path.name for path in group])))
            if len(pending) > lookahead:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()


def _batched(items, size):
    group = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group
