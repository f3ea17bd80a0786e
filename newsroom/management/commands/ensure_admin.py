"""Make sure a development site has an administrator to log in with.

``make run`` calls this on every start. When no superuser exists it creates ``admin`` with a
random password and prints that password once; when one exists it does nothing, so running
it again never changes a password someone has already been given.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the development administrator 'admin' with a random password if no superuser exists."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_admin only runs in development (DEBUG on). In production, use 'manage.py createsuperuser'."
            )
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            if options["verbosity"] >= 2:
                self.stdout.write("An administrator already exists; nothing to do.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Created administrator 'admin' with password: {password}")
            + "\nThis password is shown only once."
        )
