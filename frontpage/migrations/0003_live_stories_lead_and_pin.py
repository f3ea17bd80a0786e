"""A placement may put a live story on the home page: a second nullable foreign key beside the
article, and exactly one of the two set. Every placement so far names an article, so every row
keeps its story and meets the wider constraint. Going back, placements of live stories are
deleted: an article was all a placement could name."""

import django.db.models.deletion
from django.db import migrations, models


def delete_live_story_placements(apps, schema_editor):
    apps.get_model("frontpage", "Placement").objects.filter(article__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("breaking", "0002_live_coverage"),
        ("frontpage", "0002_editors_control_the_front_page"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="placement",
            name="placement_one_target",
        ),
        migrations.AddField(
            model_name="placement",
            name="live_story",
            field=models.ForeignKey(
                blank=True,
                help_text="…or a live story, shown as live. Once it has ended it leaves the home page on its own.",
                limit_choices_to={"status": "live"},
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="placements",
                to="breaking.livestory",
            ),
        ),
        migrations.AlterField(
            model_name="placement",
            name="article",
            field=models.ForeignKey(
                blank=True,
                help_text="A published article. If it is unpublished or expires, it leaves the home page on its own.",
                limit_choices_to={"status": "published"},
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="placements",
                to="articles.article",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, delete_live_story_placements),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("article__isnull", False), ("live_story__isnull", True)),
                    models.Q(("article__isnull", True), ("live_story__isnull", False)),
                    _connector="OR",
                ),
                name="placement_one_target",
                violation_error_message="Choose an article or a live story: one of them.",
            ),
        ),
    ]
