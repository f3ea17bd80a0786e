"""Restore the site from a folder written by ``manage.py backup``.

Every file is checked against the manifest's checksums before anything is written, and a
database that already has tables is refused unless ``--force``: restoring over a live site by
mistake would lose everything written since the backup.
"""

from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, database_is_empty, restore, verified_backup


class Command(BaseCommand):
    help = "Restore the database and MEDIA_ROOT from a backup folder, after verifying its checksums."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A folder written by 'manage.py backup'.")
        parser.add_argument("--force", action="store_true", help="Restore even over a database that has tables.")
        parser.add_argument("--dry-run", action="store_true", help="Verify the backup and the target; write nothing.")

    def handle(self, *args, directory, force, dry_run, **options):
        try:
            backup = verified_backup(directory)
            if dry_run:
                if not force and not database_is_empty():
                    raise BackupError("The database already has tables; a restore would need --force.")
                self.stdout.write(
                    self.style.SUCCESS(f"{directory} is intact; a restore would succeed. Nothing written.")
                )
                return
            restore(backup, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored the {backup.engine} database and media from {directory}."))
