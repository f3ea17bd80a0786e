"""Back up the site: the database and the uploaded media, into one folder with checksums.

``make backup`` calls this; ``manage.py restore`` (``make restore``) reads the folder back.
See newsroom/backups.py for what the folder holds.
"""

from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Write the database and MEDIA_ROOT into DIRECTORY (new or empty), with a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder for the backup; created if missing, must be empty.")

    def handle(self, *args, directory, **options):
        try:
            backup = back_up(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 2:
            for name, digest in backup.files.items():
                self.stdout.write(f"{name}  sha256 {digest}")
        self.stdout.write(self.style.SUCCESS(f"Backed up the {backup.engine} database and media to {directory}."))
