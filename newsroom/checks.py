"""System checks for settings that would make the site unsafe however well the code behaves."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register


def places_that_run_code():
    """Folders whose files are imported, rendered or sent to browsers as scripts and styles."""
    yield "STATIC_ROOT", settings.STATIC_ROOT
    for folder in settings.STATICFILES_DIRS:
        yield "STATICFILES_DIRS", folder
    for engine in settings.TEMPLATES:
        for folder in engine.get("DIRS", []):
            yield "TEMPLATES DIRS", folder
    for app in apps.get_app_configs():
        yield f"the {app.label} app", app.path


@register(Tags.security)
def check_media_root_holds_no_code(app_configs, **kwargs):
    """Uploads must live apart from code, templates and static files, neither inside one of
    them nor around one (MEDIA_ROOT = the project folder would put uploads in the app packages)."""
    media = Path(settings.MEDIA_ROOT).resolve()
    errors = []
    for name, folder in places_that_run_code():
        folder = Path(folder).resolve()
        if media == folder or folder in media.parents or media in folder.parents:
            errors.append(
                Error(
                    f"MEDIA_ROOT ({media}) overlaps {name} ({folder}).",
                    hint="Keep uploads in a folder of their own, outside the code, templates and static files.",
                    id="newsroom.E001",
                )
            )
    return errors
