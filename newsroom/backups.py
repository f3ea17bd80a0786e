"""Backing up and restoring a whole site: the database and the uploaded media.

A backup is a folder holding ``database.dump`` (PostgreSQL, ``pg_dump`` custom format) or
``database.sqlite3`` (a consistent copy through SQLite's online backup API, safe while the site
runs), ``media.tar`` (all of ``MEDIA_ROOT``) and ``manifest.json`` with each file's SHA-256.
A restore checks every checksum before it changes anything.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup that cannot be taken or restored, with the reason for the operator."""


@dataclass(frozen=True)
class Backup:
    directory: Path
    engine: str
    files: dict

    @property
    def database_file(self):
        return self.directory / DATABASE_FILES[self.engine]

    @property
    def media_archive(self):
        return self.directory / MEDIA_ARCHIVE


def back_up(*, directory):
    """Write a backup of the current database and ``MEDIA_ROOT`` into ``directory``, which must
    be empty or not exist yet. Returns the ``Backup``."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; back up into a new folder.")
    engine = _engine()
    directory.mkdir(parents=True, exist_ok=True)
    backup = Backup(directory, engine, {})
    if engine == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={backup.database_file}"])
    else:
        _copy_sqlite(Path(settings.DATABASES["default"]["NAME"]), backup.database_file)
    with tarfile.open(backup.media_archive, "w") as archive:
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
    files = {path.name: _sha256(path) for path in (backup.database_file, backup.media_archive)}
    manifest = {"engine": engine, "created_at": timezone.now().isoformat(), "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Backup(directory, engine, files)


def verified_backup(directory):
    """The backup in ``directory``, once every file matches its checksum and the backup is for
    this database engine."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        engine, files = manifest["engine"], manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{directory} holds no readable {MANIFEST}: {error}") from error
    if engine != _engine():
        raise BackupError(f"The backup is of a {engine} database; this site uses {_engine()}.")
    backup = Backup(directory, engine, files)
    for path in (backup.database_file, backup.media_archive):
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if _sha256(path) != files.get(path.name):
            raise BackupError(f"{path} does not match its checksum in {MANIFEST}: the backup is damaged.")
    return backup


def database_is_empty():
    return not connection.introspection.table_names()


def restore(backup, *, force=False):
    """Replace the current database and media with ``backup`` (from ``verified_backup``). An
    existing database is refused unless ``force``."""
    if not force and not database_is_empty():
        raise BackupError("The database already has tables; restore into an empty one, or pass --force.")
    connection.close()
    if backup.engine == "postgresql":
        clean = ["--clean", "--if-exists"] if force else []
        database = settings.DATABASES["default"]["NAME"]
        _run(
            [
                "pg_restore",
                f"--dbname={database}",
                "--no-owner",
                "--single-transaction",
                *clean,
                str(backup.database_file),
            ]
        )
    else:
        _copy_sqlite(backup.database_file, Path(settings.DATABASES["default"]["NAME"]))
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup.media_archive) as archive:
        archive.extractall(media_root, filter="data")


def _engine():
    return connection.vendor


def _copy_sqlite(source, target):
    # The online backup API copies a consistent snapshot, including commits still in the WAL.
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as destination:
        origin.backup(destination)
    origin.close()
    destination.close()


def _run(command):
    """Run a PostgreSQL client program against the configured database."""
    database = settings.DATABASES["default"]
    environment = {
        **os.environ,
        "PGDATABASE": database["NAME"],
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
    }
    environment = {name: value for name, value in environment.items() if value != ""}
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
