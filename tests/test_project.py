"""The project's own health: system checks, migrations, groups."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


@pytest.mark.django_db
def test_editorial_groups_exist_after_migrate():
    journalists = Group.objects.get(name="Journalists")
    editors = Group.objects.get(name="Editors")
    journalist_perms = set(journalists.permissions.values_list("codename", flat=True))
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_image"} <= journalist_perms
    assert "delete_article" not in journalist_perms
    assert "change_section" not in journalist_perms
    assert {"delete_article", "change_section", "delete_company"} <= editor_perms
