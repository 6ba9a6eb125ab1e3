"""load_demo: a believable newsroom, idempotent, with working demo accounts."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from articles.models import Article
from demo.management.commands import load_demo
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

LEAD = "bmw-great-wall-talks-electric-mini-china-going-well"


def sign_in(username, password):
    """authenticate() as the admin's sign-in form calls it: with the request,
    which django-axes needs to count failures per address."""
    request = RequestFactory().post("/admin/login/")
    return authenticate(request, username=username, password=password)


def run(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def small_pictures(monkeypatch):
    monkeypatch.setattr(load_demo, "render_lead_image", lambda spec: jpeg_bytes())


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"articles", "entities", "taggit", "auth"}
    }


def test_a_second_run_changes_nothing():
    run()
    before = row_counts()
    modified = dict(Article.objects.values_list("pk", "modified_at"))
    output = run()
    assert row_counts() == before
    assert dict(Article.objects.values_list("pk", "modified_at")) == modified
    assert "created" not in output.split("Demo accounts")[0]


def test_the_lead_story_and_its_entities(client):
    run()
    home = client.get("/")
    assert home.context["stories"][0].slug == LEAD
    story = client.get(f"/stories/{LEAD}/").content.decode()
    for path in [
        "/companies/bmw-group/",
        "/companies/great-wall-motor/",
        "/brands/mini/",
        "/people/harald-krueger/",
    ]:
        assert path in story
        assert f"/stories/{LEAD}/" in client.get(path).content.decode(), path
    assert Article.objects.published().count() >= 9


def test_the_demo_accounts_log_in_with_the_printed_passwords():
    output = run()
    lines = dict(
        line.strip().split(" / ")
        for line in output.splitlines()
        if line.strip().startswith(("journalist /", "editor /"))
    )
    journalist = sign_in("journalist", lines["journalist"])
    editor = sign_in("editor", lines["editor"])
    assert journalist.groups.filter(name="Journalists").exists()
    assert editor.groups.filter(name="Editors").exists()
    assert not journalist.is_superuser and not editor.is_superuser
    # A second run does not change them.
    run()
    assert sign_in("editor", lines["editor"]) is not None


def test_a_dry_run_leaves_nothing_behind():
    output = run("--dry-run")
    assert "Dry run: nothing was saved" in output
    assert not Article.objects.exists()
