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


def test_production_refuses_to_serve_without_its_secrets():
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    serve = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert serve.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in serve.stderr
