"""The newsroom the browser tests drive: a fresh PostgreSQL database with the
demo loaded, static files collected, and gunicorn serving it on 127.0.0.1
with DEBUG off, as in production.

The database is the run's own (``E2E_DATABASE_URL``, or the test database's
name with ``_e2e`` appended), dropped and made again at every start.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

from demo.servers import free_port, stop_process

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60  # seconds for gunicorn to answer /healthz

# A second editor, for two people editing one story at once.
SECOND_EDITOR = """
from django.contrib.auth.models import Group, User
user = User.objects.create_user(
    "editor2", "editor2@newsroom.example", {password!r},
    first_name="Idris", last_name="Penhallow", is_staff=True,
)
user.groups.add(Group.objects.get(name="Editors"))
"""


def e2e_database_url() -> str:
    if url := os.environ.get("E2E_DATABASE_URL"):
        return url
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom")
    parts = urllib.parse.urlsplit(base)
    return parts._replace(path=parts.path + "_e2e").geturl()


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_e2e"):
        # This database is dropped at every run: never one that could be
        # somebody's real data.
        raise RuntimeError(f"The browser tests' database must end in _e2e: {name!r}")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class NewsroomServer:
    def __init__(self) -> None:
        self.database_url = e2e_database_url()
        self.password = secrets.token_urlsafe(12)
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-e2e-"))
        self.media_root = self.root / "media"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.root / "server.log"
        # Mail goes to an SMTP server on this port, which the tests of mail
        # start (tests/e2e/test_desk_everyday.py); sent by run_worker().
        self.smtp_port = free_port()
        self.process: subprocess.Popen | None = None
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONWARNINGS"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings.e2e",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on the loopback, as behind a proxy that ends TLS and
            # redirects to HTTPS itself.
            SECURE_SSL_REDIRECT="0",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media_root),
            CACHE_DIR=str(self.root / "cache"),
            E2E_STATIC_ROOT=str(self.root / "static"),
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            EMAIL_TIMEOUT="5",
            SITE_URL=self.url,
            ADMIN_BASE_URL=self.url,
            DEMO_PASSWORD=self.password,
            INSTALL_DEMO="1",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            # One process, so its local-memory page cache is the only one;
            # threads, so two people can work at once.
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="8",
        )
        return env

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def shell(self, code: str) -> None:
        """Run Python in the server's Django (set-up a test needs)."""
        self.manage("shell", "-c", code)

    def run_worker(self) -> None:
        """The background worker, as `manage.py db_worker` runs in
        production, until nothing is ready to send."""
        self.manage("db_worker", "--queue-name", "*", "--batch", "--interval", "0")

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        recreate_database(self.database_url)
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_demo")
        self.manage("shell", "-c", SECOND_EDITOR.format(password=self.password))
        self.manage("collectstatic", "--no-input", "-v0")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                # As the README's production section runs it.
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=10) as r:
                    if r.status == 200:
                        return
            except OSError:  # refused, reset or timed out while starting
                time.sleep(0.2)  # polling for start-up, bounded by the deadline
        raise RuntimeError(
            f"gunicorn did not answer in {START_TIMEOUT}s:\n{self.log()}"
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process, timeout=20)
        shutil.rmtree(self.root, ignore_errors=True)
