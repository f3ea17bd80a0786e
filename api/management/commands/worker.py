"""Run background tasks: django-tasks' database worker, and beside it, every
WEBHOOK_SWEEP_SECONDS, the recovery of what a killed worker left half done (api/webhooks.py).
`make run` starts one beside the server; production runs several, on several machines."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from api.webhooks import recover

logger = logging.getLogger(__name__)


def sweep_forever(interval):
    while True:
        try:
            close_old_connections()
            recover()
        except DatabaseError:
            logger.exception("Could not look for webhook deliveries to recover")
        finally:
            connection.close()
        threading.Event().wait(interval)


class Command(DatabaseWorkerCommand):
    help = "Run background tasks (webhook deliveries), recovering what a killed worker left."

    def handle(self, *args, **options):
        sweeper = threading.Thread(target=sweep_forever, args=(settings.WEBHOOK_SWEEP_SECONDS,), daemon=True)
        sweeper.start()
        return super().handle(*args, **options)
