"""The page generation's one row.

Made here, not on first use, so that every worker finds it and none races
another to create it. Its next publish time is "now": the first request
after the migration looks for the next scheduled story itself.
"""

from django.db import migrations, models
from django.utils import timezone

import newsroom.models


def create_row(apps, schema_editor):
    PageGeneration = apps.get_model("newsroom", "PageGeneration")
    PageGeneration.objects.get_or_create(
        pk=1,
        defaults={
            "number": newsroom.models.fresh_start(),
            "next_publish_at": timezone.now(),
        },
    )


def remove_row(apps, schema_editor):
    apps.get_model("newsroom", "PageGeneration").objects.all().delete()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='PageGeneration',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('number', models.BigIntegerField(default=newsroom.models.fresh_start)),
                ('next_publish_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='one_page_generation')],
            },
        ),
        migrations.RunPython(create_row, remove_row),
    ]
