"""newsroom.permissions: what the data migrations that give the desk's
groups their permissions call."""

import pytest
from django.apps import apps as installed_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from newsroom.permissions import grant_permissions, revoke_permissions

pytestmark = pytest.mark.django_db

GRANTS = {
    "Night desk": [("budgetitem", "view"), ("budgetitem", "plan")],
    "Editors": [("budgetchange", "view")],
}


def codenames(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "codename", flat=True
        )
    )


def test_groups_get_their_permissions_and_give_them_back():
    state_apps = MigrationLoader(connection).project_state().apps
    Permission.objects.filter(content_type__app_label="budget").delete()
    editors_before = codenames("Editors") - {"view_budgetchange"}

    grant_permissions(state_apps, "budget", GRANTS)
    assert codenames("Night desk") == {"view_budgetitem", "plan_budgetitem"}
    assert "view_budgetchange" in codenames("Editors")
    # The migration state's app config is left as it was found.
    assert not getattr(state_apps.get_app_config("budget"), "models_module", None)

    revoke_permissions(state_apps, "budget", GRANTS)
    assert codenames("Night desk") == set()
    assert codenames("Editors") == editors_before


def test_the_installed_apps_can_be_given_too():
    grant_permissions(
        installed_apps, "budget", {"Night desk": [("budgetitem", "view")]}
    )
    assert codenames("Night desk") == {"view_budgetitem"}
    assert installed_apps.get_app_config("budget").models_module is not None
