"""Give the Journalists and Editors groups the workflow's permissions.

Editors publish, schedule, withdraw and send stories back (publish_article),
manage preview links and read the audit log; journalists read the audit log
and take part in a story's comment thread.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Journalists": [
        ("transition", "view"),
        ("editorialcomment", "add"),
        ("editorialcomment", "view"),
    ],
    "Editors": [
        ("article", "publish"),
        ("transition", "view"),
        ("editorialcomment", "add"),
        ("editorialcomment", "view"),
        ("editorialcomment", "delete"),
        ("previewlink", "add"),
        ("previewlink", "change"),
        ("previewlink", "view"),
        ("slugredirect", "view"),
        ("slugredirect", "delete"),
    ],
}


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    for model, action in grants:
        yield Permission.objects.get(
            content_type__app_label="articles",
            content_type__model=model,
            codename=f"{action}_{model}",
        )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group = Group.objects.get(name=group_name)
        group.permissions.add(*_permissions(apps, grants))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(*_permissions(apps, grants))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
