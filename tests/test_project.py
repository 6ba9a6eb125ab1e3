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


STARTS = {
    "manage.py": ["manage.py"],
    "python -m django": ["-m", "django"],
}


def run_without_secrets(start, *args):
    import subprocess
    import sys

    from django.conf import settings

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    return subprocess.run(
        [sys.executable, *STARTS[start], *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("start", STARTS)
def test_production_refuses_to_serve_without_its_secrets(start):
    """However Django is started, what serves refuses to start without the
    production secrets; what only checks or migrates runs without them."""
    serve = run_without_secrets(
        start, "shell", "-c", "import newsroom.wsgi; print('serving')"
    )
    assert serve.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS are required when DEBUG is off" in (
        serve.stderr
    )
    assert "serving" not in serve.stdout
    check = run_without_secrets(start, "check")
    assert check.returncode == 0, check.stderr
    # Signing with an empty key is refused by Django, the same either way.
    sign = run_without_secrets(
        start,
        "shell",
        "-c",
        "from django.core import signing; print(signing.dumps(1))",
    )
    assert sign.returncode != 0
    assert "SECRET_KEY setting must not be empty" in sign.stderr


def test_old_secret_keys_still_verify_what_they_signed_after_a_rotation():
    """SECRET_KEY_FALLBACKS, from the environment: a preview link signed with
    the old key still opens; one signed with an unknown key does not."""
    import subprocess
    import sys

    from articles.models import PreviewLink

    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core import signing\n"
        "print(settings.SECRET_KEY_FALLBACKS)\n"
        f"salt = {PreviewLink.TOKEN_SALT!r}\n"
        "old = signing.dumps(42, key='the-old-key', salt=salt)\n"
        "print(signing.loads(old, salt=salt))\n"
        "forged = signing.dumps(42, key='a-key-never-used-here', salt=salt)\n"
        "try:\n"
        "    signing.loads(forged, salt=salt)\n"
        "except signing.BadSignature:\n"
        "    print('refused')\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "the-new-key",
        "SECRET_KEY_FALLBACKS": "the-old-key, an-older-key",
        "ALLOWED_HOSTS": "news.example.com",
    }
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "['the-old-key', 'an-older-key']",
        "42",
        "refused",
    ]
