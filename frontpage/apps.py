from django.apps import AppConfig


class FrontPageConfig(AppConfig):
    name = "frontpage"
    verbose_name = "Front page"

    def ready(self):
        from . import invalidation

        # A new lead or pin makes stale the home page alone; a pin's start and end are purged at
        # their time, with no job to run.
        invalidation.connect()
