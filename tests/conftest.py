import datetime
import io
import json
import logging
import zoneinfo

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pythonjsonlogger.json import JsonFormatter

from demo.management.commands import load_demo
from demo.servers import SERVER_PASSWORD
from entities import detection
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    UserFactory,
    jpeg_bytes,
    make_demo_entities,
)

# A fixed "now" for tests about publish times: a weekday in British Summer
# Time, so that the newsroom's local time and UTC differ.
NOW = datetime.datetime(2025, 6, 10, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def journalist(db):
    user = UserFactory(username="journalist")
    user.groups.add(Group.objects.get(name="Journalists"))
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, signed in as an editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def other_journalist(db):
    """A journalist with a byline of their own, on none of the test stories."""
    user = UserFactory(username="other_journalist")
    user.groups.add(Group.objects.get(name="Journalists"))
    AuthorFactory(name="Olly Other", user=user)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="chief", is_superuser=True)


@pytest.fixture
def journalist_byline(journalist):
    """The journalist's public byline: stories carrying it are theirs."""
    return AuthorFactory(name="Jo Reporter", user=journalist)


@pytest.fixture
def users(journalist, journalist_byline, other_journalist, editor, superuser):
    """Everyone in the newsroom, by role: "author" is the journalist whose
    byline is on the story, "journalist" one whose byline is not."""
    return {
        "author": journalist,
        "journalist": other_journalist,
        "editor": editor,
        "superuser": superuser,
    }


@pytest.fixture
def client_as(users):
    """A fresh client logged in as a role ("anonymous" logs in as nobody)."""

    def login(role):
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return login


@pytest.fixture
def story(journalist_byline):
    """Make a story by the journalist in a workflow state: draft, in_review,
    scheduled, published or withdrawn."""

    def make(state="draft", **kwargs):
        kwargs.setdefault("authors", [journalist_byline])
        return ArticleFactory(**{state: True}, **kwargs)

    return make


@pytest.fixture
def frozen_now(time_machine):
    """Stop the clock at NOW; move it with ``time_machine.shift()``."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def count_queries():
    """Run a callable and return (its result, the number of SQL queries it ran)."""

    def run(func, *args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result = func(*args, **kwargs)
        return result, len(queries.captured_queries)

    return run


@pytest.fixture(autouse=True)
def _no_mention_index_from_another_test():
    """Forget the process's mention matcher before each test. It is kept
    per DetectionSettings.index_version, and a rolled-back test takes the
    version back with it: the next test would reach the same number with
    other entities and be handed the earlier test's matcher."""
    detection._cache.update(version=None, index=None)


@pytest.fixture
def demo_entities(db):
    """The demo's companies, brands and people (with aliases, “not this”
    phrases, roles and relationships), keyed by slug."""
    return make_demo_entities()


@pytest.fixture
def demo_newsroom(db, monkeypatch):
    """Everything ``manage.py load_demo`` makes, with a small picture in place
    of each 1600×900 graphic: drawing those and their renditions would add
    ten seconds to every test that loads the demo."""
    monkeypatch.setattr(load_demo, "render_lead_image", lambda spec: jpeg_bytes())
    call_command("load_demo", stdout=io.StringIO())


# Figures the security tests prove (payloads tried, 5xx seen, files refused),
# printed again at the end of every run, where CI's log shows them.
FIGURES: list[str] = []


@pytest.fixture
def report_figure():
    """Print a line now (``pytest -s``) and in the run's closing summary."""

    def report(line: str) -> None:
        print(line)
        FIGURES.append(line)

    return report


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def migrations_rows_put_back(django_db_blocker):
    """For tests that commit (servers of their own read what they wrote):
    after the test's database has been emptied, put back what the
    migrations made (groups, permissions, the page generation…), as
    serialized when the test database was set up, so that later tests and a
    run with --reuse-db start from it."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(
            connection._test_serialized_contents
        )


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Uploads on a local disk, as on a single-machine install. The folder
    sits inside another, beside a secret that no path may reach."""
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "secret.jpg").write_bytes(b"not for readers")
    (root / "images").mkdir()
    (root / "images" / "stray.jpg").write_bytes(b"a file no image row names")
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


@pytest.fixture
def server_editor(editor):
    """The editor, with the password that servers a test starts check as in
    production (Argon2): sign in with ``Browser.sign_in(editor.username)``."""
    hasher = Argon2PasswordHasher()
    editor.password = hasher.encode(SERVER_PASSWORD, hasher.salt())
    editor.save()
    return editor


@pytest.fixture
def mail_worker(monkeypatch, mailoutbox):
    """Run the background worker's mail queue here and now, in the test's
    transaction, until no mail is ready; returns the mail sent so far. The
    worker is django-tasks-db's own, as `manage.py db_worker` runs it."""
    from django_tasks_db.management.commands import db_worker

    # The worker checks its connection between tasks; inside the test's
    # transaction that would close it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        db_worker.Worker(
            queue_names=["mail"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
        ).run()
        return mailoutbox

    return run


@pytest.fixture
def request_log(monkeypatch):
    """The lines the settings' JSON request handler writes, one dict each."""
    logger = logging.getLogger("newsroom.requests")
    (handler,) = [h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]
    lines = []

    class Lines:
        def write(self, text):
            lines.extend(line for line in text.splitlines() if line)

        def flush(self):
            pass

    monkeypatch.setattr(handler, "stream", Lines())
    # setLevel, not the attribute: it also clears the loggers' cached answers.
    level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in lines]
    logger.setLevel(level)
