from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self):
        from . import events

        # Webhook events from every path that saves (the admin, the importer, the shell).
        events.connect()
