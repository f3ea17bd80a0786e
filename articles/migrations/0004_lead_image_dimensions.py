from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_headline_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="lead_image_height",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="lead_image_width",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
    ]
