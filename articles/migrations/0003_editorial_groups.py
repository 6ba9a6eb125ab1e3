"""Create the Journalists and Editors groups that carry the newsroom's roles.

Groups and their permissions are data every installation needs, so they come
from a migration rather than from a fixture or a manual admin step. Model
permissions are normally created only after all migrations have run, so this
migration creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST_PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "view"],
        "image": ["add", "change", "view"],
        "section": ["view"],
        "author": ["view"],
        "correction": ["view"],
    },
    "entities": {
        "entity": ["view"],
        "company": ["add", "change", "view"],
        "person": ["add", "change", "view"],
        "brand": ["add", "change", "view"],
        "alias": ["add", "change", "delete", "view"],
        "role": ["add", "change", "view"],
        "companyrelationship": ["add", "change", "view"],
    },
    "taggit": {"tag": ["add", "view"]},
}

EDITOR_PERMISSIONS = {
    "articles": {
        model: ["add", "change", "delete", "view"]
        for model in ["article", "image", "section", "author", "correction"]
    },
    "entities": {
        model: ["add", "change", "delete", "view"]
        for model in [
            "entity",
            "company",
            "person",
            "brand",
            "alias",
            "role",
            "companyrelationship",
        ]
    },
    "taggit": {"tag": ["add", "change", "delete", "view"]},
}

GROUPS = {"Journalists": JOURNALIST_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                permissions = Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=codenames,
                )
                if permissions.count() != len(codenames):
                    raise RuntimeError(f"Missing permissions for {app_label}.{model}")
                group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_initial"),
        ("entities", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
