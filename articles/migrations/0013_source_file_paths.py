"""Source files are known by their path relative to the import folder. The records made before
name a file by its file name alone: they are marked, so that a file below a subfolder whose
content is what such a record holds is still recognised as imported."""

from django.db import migrations, models


def mark_records_by_file_name(apps, schema_editor):
    apps.get_model("articles", "SourceFile").objects.update(by_file_name=True)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_expiry_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcefile",
            name="by_file_name",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name="sourcefile",
            name="name",
            field=models.CharField(
                help_text="The file's path relative to the folder it was imported from.",
                max_length=1000,
                unique=True,
                verbose_name="path",
            ),
        ),
        migrations.RunPython(mark_records_by_file_name, migrations.RunPython.noop, elidable=True),
    ]
