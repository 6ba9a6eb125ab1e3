"""Give the Journalists and Editors groups their part in the story budget.

Journalists see the budget and the log, and pitch ideas (add, and change
their own pitch while it is an idea: budget.planning.can_edit says which);
editors also assign, move and spike (plan_budgetitem) and delete. Model
permissions are created only after all migrations have run, so this
migration creates the budget's first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Journalists": [
        ("budgetitem", "view"),
        ("budgetitem", "add"),
        ("budgetitem", "change"),
        ("budgetchange", "view"),
    ],
    "Editors": [
        ("budgetitem", "view"),
        ("budgetitem", "add"),
        ("budgetitem", "change"),
        ("budgetitem", "delete"),
        ("budgetitem", "plan"),
        ("budgetchange", "view"),
    ],
}


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    for model, action in grants:
        yield Permission.objects.get(
            content_type__app_label="budget",
            content_type__model=model,
            codename=f"{action}_{model}",
        )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("budget")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(apps, grants))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(*_permissions(apps, grants))


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0001_initial"),
        # The groups themselves.
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
