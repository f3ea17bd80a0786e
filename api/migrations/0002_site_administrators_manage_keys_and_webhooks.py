"""API keys and webhooks are for site administrators alone: their group gets every permission
of this app; editors and reporters get none."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SITE_ADMINISTRATOR = "Site administrator"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name=SITE_ADMINISTRATOR)
    administrators.permissions.add(*Permission.objects.filter(content_type__app_label="api"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=SITE_ADMINISTRATOR):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="api"))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("articles", "0002_roles_and_breaking_news"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
