"""The desk's groups and their permissions, for the data migrations that
give them (articles 0005, entities 0005 and budget 0002 have this shape;
the next one calls these functions from its RunPython):

    GRANTS = {"Editors": [("budgetitem", "plan"), ("budgetchange", "view")]}

    def grant(apps, schema_editor):
        grant_permissions(apps, "budget", GRANTS)

    def revoke(apps, schema_editor):
        revoke_permissions(apps, "budget", GRANTS)

A grant is (model, action): the permission ``<action>_<model>`` of one of
``app_label``'s models, a default one ("view", "change"…) or one of its
Meta.permissions ("plan_budgetitem")."""

from django.contrib.auth.management import create_permissions

Grants = dict[str, list[tuple[str, str]]]  # group name: [(model, action)]


def grant_permissions(apps, app_label: str, grants: Grants) -> None:
    """Give each group (made if it is missing) its permissions. Model
    permissions are created only after every migration has run, so those of
    ``app_label`` are created here first."""
    app_config = apps.get_app_config(app_label)
    # create_permissions skips an app without a models module, which the
    # migration state's apps never have.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for group_name, group_grants in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(apps, app_label, group_grants))


def revoke_permissions(apps, app_label: str, grants: Grants) -> None:
    """Take them back from the groups that exist; the groups stay."""
    Group = apps.get_model("auth", "Group")
    for group_name, group_grants in grants.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(*_permissions(apps, app_label, group_grants))


def _permissions(apps, app_label, grants):
    Permission = apps.get_model("auth", "Permission")
    for model, action in grants:
        yield Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
