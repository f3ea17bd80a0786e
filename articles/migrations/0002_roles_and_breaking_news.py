"""The newsroom's roles as groups, and the "Breaking News" ticker the importer and the site use."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

ROLES = {
    "Reporter": [
        ("articles", "article", ("add", "change", "view")),
        ("articles", "articleauthor", ALL),
        ("articles", "section", ("view",)),
        ("articles", "correction", ("view",)),
        ("authors", "author", ("view",)),
    ],
    "Editor": [
        ("articles", "article", ALL),
        ("articles", "articleauthor", ALL),
        ("articles", "section", ALL),
        ("articles", "correction", ALL),
        ("articles", "ticker", ALL),
        ("articles", "tickeritem", ALL),
        ("articles", "slugredirect", ("view", "delete")),
        ("articles", "sourcefile", ("view",)),
        ("authors", "author", ALL),
    ],
}
EXTRA = {"Editor": [("articles", "publish_article")]}
SITE_ADMINISTRATOR = "Site administrator"


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            permission(app_label, f"{action}_{model}") for app_label, model, actions in grants for action in actions
        ]
        perms += [permission(app_label, codename) for app_label, codename in EXTRA.get(name, [])]
        group.permissions.set(perms)

    administrators, _ = Group.objects.get_or_create(name=SITE_ADMINISTRATOR)
    administrators.permissions.set(Permission.objects.all())

    Ticker = apps.get_model("articles", "Ticker")
    Ticker.objects.get_or_create(slug="breaking-news", defaults={"name": "Breaking News"})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, SITE_ADMINISTRATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
