"""Only editors and site administrators control the front page: both groups get every
permission of this app; reporters get none."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editor", "Site administrator")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("frontpage")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="frontpage"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="frontpage"))


class Migration(migrations.Migration):
    dependencies = [
        ("frontpage", "0001_placements"),
        ("articles", "0002_roles_and_breaking_news"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
