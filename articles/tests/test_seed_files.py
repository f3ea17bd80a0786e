"""Reading seed files in groups (articles.seed_files): the worker process starts only when a
group has many files to parse, and the groups are the same wherever they were read."""

import hashlib
import multiprocessing

from articles.seed_files import find_seed_files, read_group, read_groups

from .test_import_seeds import page

MAX_BYTES = 1024 * 1024


def write_pages(folder, count):
    for number in range(count):
        (folder / f"{number:03}.txt").write_text(page(f"Story {number}", byline="AP"), encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"")  # refused on every import: parsed every time
    return list(find_seed_files([folder]))


def hashes_of(seed_paths):
    return {path.name: hashlib.sha256(open(path.path, "rb").read()).hexdigest() for path in seed_paths}


def read_all(seed_paths, known):
    """Every group read_groups yields, and whether a worker process was running while it did."""
    groups, workers = [], []
    for group in read_groups(seed_paths, size=10, known_hashes=lambda names: known, max_bytes=MAX_BYTES):
        groups.append(group)
        workers.append(bool(multiprocessing.active_children()))
    return groups, workers


def test_files_mostly_unchanged_are_read_here_without_a_worker(tmp_path):
    seed_paths = write_pages(tmp_path, 30)
    known = hashes_of(seed_paths)
    known.pop("broken.txt")
    known.pop("007.txt")  # one changed file in a group of ten is parsed here too

    groups, workers = read_all(seed_paths, known)

    assert workers == [False, False, False, False]
    assert [file for group in groups for file in group] == read_group(seed_paths, known, MAX_BYTES)
    assert [file.name for group in groups for file in group if not file.unchanged] == ["007.txt", "broken.txt"]


def test_a_group_of_new_files_starts_the_worker_for_the_groups_after_it(tmp_path):
    seed_paths = write_pages(tmp_path, 30)
    known = hashes_of(seed_paths[:10])  # the first group is unchanged, the rest are new

    groups, workers = read_all(seed_paths, known)

    assert workers == [False, True, True, True]
    assert [file for group in groups for file in group] == read_group(seed_paths, known, MAX_BYTES)
    assert sum(file.page is not None for group in groups for file in group) == 20
