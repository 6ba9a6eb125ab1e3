"""Give the newsroom's groups the permissions of the entity graph's models.

Editors run mention detection (auto-accept), confirm quotes, keep timelines
and "not this" phrases, and tidy suggestions; journalists, who may add and
edit companies, people and brands, keep their timelines and "not this"
phrases too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add", "change", "delete", "view"]
GRANTS = {
    "Journalists": {
        "entityevent": ALL,
        "exclusionphrase": ALL,
        "quote": ["view"],
        "mentionsuggestion": ["view"],
    },
    "Editors": {
        "entityevent": ALL,
        "exclusionphrase": ALL,
        "quote": ALL,
        "mentionsuggestion": ["view", "delete"],
        "detectionsettings": ["change", "view"],
        "entityredirect": ["view", "delete"],
    },
}


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    for model, actions in grants.items():
        for action in actions:
            yield Permission.objects.get(
                content_type__app_label="entities",
                content_type__model=model,
                codename=f"{action}_{model}",
            )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("entities")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, grants))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, grants in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(*_permissions(apps, grants))


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0004_events_quotes_merges"),
        ("articles", "0005_workflow_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
