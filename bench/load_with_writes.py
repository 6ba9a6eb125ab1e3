"""Load with writes, nothing lost: readers and editors at once, under gunicorn.

    .venv/bin/python bench/load_with_writes.py                 # 60 s
    .venv/bin/python bench/load_with_writes.py --seconds 20 --stop-postgres-for 5
    .venv/bin/python bench/load_with_writes.py --help

Starts the app as in production (gunicorn -c gunicorn.conf.py, DEBUG off, a
SECRET_KEY and ALLOWED_HOSTS, persistent database connections, the page
cache in a private Redis) on a database of its own with the demo newsroom
loaded (created, migrated and loaded on first use). Then, for --seconds:

* readers: wrk holds 64 connections (--readers) open on home, story, entity,
  search and feed pages, in a fixed mix;
* editors: --editors threads, each signed in with its own account, open
  stories in the admin change form and save them over HTTP, with the CSRF
  token and the form's ``version`` as a browser sends them; now and then one
  writes a new story, submits it for review and publishes it. Editors share
  a few stories, so some saves are stale: those must answer 409 Conflict.

Every save carries a mark of its own in the headline. Afterwards the script
counts the saves that answered 302 (saved) and looks for each mark in
django-reversion's history, and for the workflow steps in the Transition
table: every successful save must be in the history, and no conflicted one.

With --stop-postgres-for N it runs on a throwaway PostgreSQL cluster instead
(demo/servers.py; never the shared server), stops it a third of the way in
for N seconds and starts it again, then shows that the 5xx answers (503s)
came only while it was down and that readers and editors were served after.

Needs wrk (Debian: apt-get install wrk) and redis-server (or --no-redis).
"""

import argparse
import html.parser
import http.client
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

from demo.servers import (
    Gunicorn,
    PrivateRedis,
    ThrowawayPostgres,
    manage,
    production_environment,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_ops_load"
EDITOR_PREFIX = "load-editor-"
KEPT_LOG = Path(tempfile.gettempdir()) / "newsroom-load-gunicorn.log"
# Each save's mark, ending the headline and the body's last paragraph.
MARK = re.compile(r"\[L\d+-\d+\]")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=64, help="wrk connections")
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="a database of this script's own: created, migrated and given the "
        "demo if needed (default %(default)s)",
    )
    parser.add_argument(
        "--stop-postgres-for",
        type=float,
        metavar="N",
        help="run on a throwaway PostgreSQL cluster and stop it for N seconds "
        "a third of the way in",
    )
    parser.add_argument(
        "--throwaway-postgres",
        action="store_true",
        help="run on a throwaway PostgreSQL cluster of its own, away from "
        "whatever else the local server is doing (implied by --stop-postgres-for)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="page cache in the machine's shared disk cache instead of Redis",
    )
    parser.add_argument(
        "--drafts",
        action="store_true",
        help="the editors are journalists at work: each writes a few drafts and "
        "keeps saving them, and nothing readers see changes (the page cache's "
        "hit rate must stay high)",
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


# Setting up


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def prepare_database(url: str, env: dict[str, str]) -> None:
    parsed = urllib.parse.urlsplit(url)
    name = database_name(url)
    server = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    print("migrating, loading the demo, collecting static files…")
    manage("migrate", "--no-input", "-v0", env=env)
    # The demo app, which holds load_demo, is not part of production's.
    manage("load_demo", env={**env, "INSTALL_DEMO": "1"})
    manage("collectstatic", "--no-input", "-v0", env=env)


def make_editors(count: int, env: dict[str, str]) -> dict[str, str]:
    """Editor accounts of the script's own, with fresh passwords."""
    passwords = {
        f"{EDITOR_PREFIX}{n}": secrets.token_urlsafe(16) for n in range(1, count + 1)
    }
    code = (
        "from django.contrib.auth.models import Group, User\n"
        "editors = Group.objects.get(name='Editors')\n"
        f"for name, password in {passwords!r}.items():\n"
        "    user, _ = User.objects.get_or_create(username=name)\n"
        "    user.is_staff = True\n"
        "    user.set_password(password)\n"
        "    user.save()\n"
        "    user.groups.add(editors)\n"
    )
    manage("shell", "-c", code, env=env)
    return passwords


@dataclass
class Site:
    """What the load works on, read from the database before it starts."""

    paths: list[str]
    shared_story_ids: list[int]
    stories: int
    entities: int


def read_site(url: str, seed: int) -> Site:
    with psycopg.connect(url) as connection:
        stories = connection.execute(
            "SELECT id, slug FROM articles_article WHERE status = 'published' "
            "AND published_at <= now() ORDER BY published_at DESC, id DESC"
        ).fetchall()
        entities = connection.execute(
            "SELECT kind, slug, name FROM entities_entity ORDER BY id"
        ).fetchall()
    kinds = {"company": "companies", "person": "people", "brand": "brands"}
    words = sorted({name.split()[0] for _, _, name in entities})[:20] or ["bmw"]
    # The mix readers ask for: stories most, then entity pages, home,
    # search and the feed.
    mix = (
        [(35, f"/stories/{slug}/") for _, slug in stories]
        + [(25, f"/{kinds[kind]}/{slug}/") for kind, slug, _ in entities]
        + [(15, "/")]
        + [(15, f"/search/?q={urllib.parse.quote(w.lower())}") for w in words]
        + [(10, "/feeds/latest/")]
    )
    in_group = Counter(weight for weight, _ in mix)  # one weight per group
    rng = random.Random(seed)
    paths = []
    for weight, path in mix:
        paths += [path] * max(1, round(weight / in_group[weight] * 10))
    rng.shuffle(paths)
    return Site(
        paths=paths,
        shared_story_ids=[pk for pk, _ in stories[:6]],
        stories=len(stories),
        entities=len(entities),
    )


# Readers: wrk with a Lua script that counts statuses per second


WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}
local position = 0
statuses = {}
bad = {}
good = {}
cached = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  position = (id * 7919) %% #paths
end

function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local cache = headers["X-Cache"] or "none"
  cached[cache] = (cached[cache] or 0) + 1
  local second = os.time()
  if status >= 500 then
    bad[second] = (bad[second] or 0) + 1
  elseif status < 400 then
    good[second] = (good[second] or 0) + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("SUMMARY requests %%d duration_us %%d\\n",
    summary.requests, summary.duration))
  io.write(string.format("ERRORS connect %%d read %%d write %%d timeout %%d\\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("LATENCY %%g %%d\\n", p, latency:percentile(p)))
  end
  io.write(string.format("LATENCY max %%d\\n", latency.max))
  -- One line a count: STATUS <status>, BAD and GOOD <second>, CACHE <X-Cache>.
  local tables = {STATUS = "statuses", BAD = "bad", GOOD = "good", CACHE = "cached"}
  for _, thread in ipairs(threads) do
    for kind, name in pairs(tables) do
      for key, n in pairs(thread:get(name)) do
        io.write(string.format("%%s %%s %%d\\n", kind, tostring(key), n))
      end
    end
  end
end
"""


@dataclass
class ReaderFigures:
    requests: int = 0
    duration_s: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    latency_us: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    bad_by_second: Counter = field(default_factory=Counter)
    good_by_second: Counter = field(default_factory=Counter)
    cache: Counter = field(default_factory=Counter)


def run_readers(port: int, site: Site, seconds: int, connections: int, result: list):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT % {"paths": ", ".join(f'"{path}"' for path in site.paths)}
        )
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    figures = ReaderFigures()
    for line in output.splitlines():
        kind, *values = line.split()
        if kind == "SUMMARY":
            figures.requests = int(values[1])
            figures.duration_s = int(values[3]) / 1e6
        elif kind == "ERRORS":
            figures.errors = dict(zip(values[::2], map(int, values[1::2]), strict=True))
        elif kind == "LATENCY":
            figures.latency_us[values[0]] = int(values[1])
        elif kind == "STATUS":
            figures.statuses[int(values[0])] += int(values[1])
        elif kind == "BAD":
            figures.bad_by_second[int(values[0])] += int(values[1])
        elif kind == "GOOD":
            figures.good_by_second[int(values[0])] += int(values[1])
        elif kind == "CACHE":
            figures.cache[values[0]] += int(values[1])
    result.append(figures)


# Editors: the admin change form over HTTP, as a browser sends it


class FormReader(html.parser.HTMLParser):
    """The fields a browser would send from the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.fields: list[tuple[str, str]] = []
        self.textarea: str | None = None
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.section_choices: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                (name, attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not multiple and not chosen and self.options:
                chosen = [self.options[0][0]]
            self.fields += [(name, value) for value in chosen]
            if name == "section":
                self.section_choices = [v for v, _ in self.options if v]
            self.select = None


class Browser:
    """One editor's session: cookies, CSRF token, a connection kept alive."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method, path, body=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # gunicorn's sync workers close the connection after each
                # response: open another and send again.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, response.getheader("Location", ""), content

    def form(self, path, form_id):
        status, _, content = self.request("GET", path)
        if status != 200:
            return status, None
        reader = FormReader(form_id)
        reader.feed(content.decode())
        return status, reader

    def sign_in(self, username, password):
        status, reader = self.form("/admin/login/?next=/admin/", "login-form")
        assert status == 200, f"login page: {status}"
        data = dict(reader.fields) | {"username": username, "password": password}
        status, location, _ = self.request("POST", "/admin/login/?next=/admin/", data)
        assert status == 302 and location.endswith("/admin/"), f"login: {status}"


@dataclass
class Save:
    editor: str
    mark: str
    kind: str  # edit, create, submit or publish
    status: int
    started: float
    seconds: float
    story_id: int | None


class Editor(threading.Thread):
    def __init__(
        self, name, password, port, site, deadline, rng, saves, lock, drafts=False
    ):
        super().__init__(name=name, daemon=True)
        self.drafts = drafts
        self.username, self.password = name, password
        self.browser = Browser(port)
        self.site, self.deadline, self.rng = site, deadline, rng
        self.saves, self.lock = saves, lock
        self.count = 0
        self.tag = name.removeprefix(EDITOR_PREFIX)

    def run(self):
        while time.monotonic() < self.deadline:
            try:
                self.browser.sign_in(self.username, self.password)
                break
            except (AssertionError, OSError):
                time.sleep(0.5)  # the database may be down: try again
        if self.drafts:
            self.work_on_drafts()
            return
        while time.monotonic() < self.deadline:
            try:
                if self.rng.random() < 0.15:
                    self.write_and_publish()
                else:
                    self.edit(self.rng.choice(self.site.shared_story_ids), "edit")
            except OSError:
                time.sleep(0.2)

    def work_on_drafts(self):
        """Three drafts of one's own, saved again and again."""
        mine = []
        while len(mine) < 3 and time.monotonic() < self.deadline:
            story_id = self.write()
            if story_id is not None:
                mine.append(story_id)
        while mine and time.monotonic() < self.deadline:
            try:
                self.edit(self.rng.choice(mine), "edit draft")
            except OSError:
                time.sleep(0.2)

    def next_mark(self) -> str:
        self.count += 1
        return f"[L{self.tag}-{self.count}]"

    def save(self, path, data, kind, story_id, mark):
        started, clock = time.time(), time.monotonic()
        status, location, _ = self.browser.request("POST", path, data)
        seconds = time.monotonic() - clock
        record = Save(self.username, mark, kind, status, started, seconds, story_id)
        with self.lock:
            self.saves.append(record)
        return status, location

    def edit(self, story_id, kind, workflow=None):
        """Open the change form, think, change the text, save."""
        path = f"/admin/articles/article/{story_id}/change/"
        status, reader = self.browser.form(path, "article_form")
        if reader is None:
            time.sleep(0.2)
            return status
        # Reading and typing: long enough for another editor to save first.
        time.sleep(self.rng.uniform(0.05, 0.6))
        data = {}
        for name, value in reader.fields:
            data.setdefault(name, []).append(value)
        mark = self.next_mark()
        headline = MARK.sub("", data["headline"][0]).rstrip()
        data["headline"] = f"{headline[:180]} {mark}"
        body = re.sub(r"<p>Load edit [^<]*</p>", "", data.get("body", [""])[0])
        data["body"] = f"{body}<p>Load edit {mark}</p>"
        if workflow:
            data["_workflow"] = workflow
        else:
            data["_continue"] = "1"
        status, _ = self.save(path, data, kind, story_id, mark)
        return status

    def write_and_publish(self):
        story_id = self.write()
        if story_id is None:
            return
        for step in ("submit", "publish"):
            if self.edit(story_id, step, workflow=step) != 302:
                return

    def write(self) -> int | None:
        """A new story, saved as a draft; its id."""
        status, reader = self.browser.form(
            "/admin/articles/article/add/", "article_form"
        )
        if reader is None:
            time.sleep(0.2)
            return None
        mark = self.next_mark()
        data = dict(reader.fields) | {
            "headline": f"Load test story {secrets.token_hex(3)} {mark}",
            "dek": "Written by the load script.",
            "body": f"<p>Written while readers read.</p><p>Load edit {mark}</p>",
            "section": self.rng.choice(reader.section_choices),
            "_continue": "1",
        }
        path = "/admin/articles/article/add/"
        status, location = self.save(path, data, "create", None, mark)
        match = re.search(r"/article/(\d+)/change/", location)
        if status != 302 or not match:
            return None
        return int(match.group(1))


# Afterwards: what the history holds


def history(url: str, saves: list[Save], since: float):
    """The saves whose mark is in a version of a story, and the workflow
    steps the editors' accounts recorded."""
    with psycopg.connect(url) as connection:
        versions = connection.execute(
            "SELECT v.serialized_data FROM reversion_version v "
            "JOIN reversion_revision r ON r.id = v.revision_id "
            "JOIN django_content_type t ON t.id = v.content_type_id "
            "JOIN auth_user u ON u.id = r.user_id "
            "WHERE t.app_label = 'articles' AND t.model = 'article' "
            "AND u.username LIKE %s AND r.date_created >= to_timestamp(%s)",
            [f"{EDITOR_PREFIX}%", since - 5],
        ).fetchall()
        transitions = dict(
            connection.execute(
                "SELECT action, count(*) FROM articles_transition a "
                "JOIN auth_user u ON u.id = a.user_id "
                "WHERE u.username LIKE %s AND a.created_at >= to_timestamp(%s) "
                "GROUP BY action",
                [f"{EDITOR_PREFIX}%", since - 5],
            ).fetchall()
        )
    marks = Counter()
    for (data,) in versions:
        for found in set(MARK.findall(data)):
            marks[found] += 1
    return marks, transitions, len(versions)


def warm_up(server, site: Site, workers: int) -> None:
    """A server in production has been up for a while: each worker has built
    its URL resolver, templates and mention matcher. Not timed."""
    kinds = {}
    for path in site.paths:
        kinds.setdefault(path.split("/")[1], path)
    for _ in range(workers * 2):
        for path in [*kinds.values(), "/admin/login/"]:
            server.get(path, timeout=60)


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    args = parse_args()
    for tool in ("wrk",) + (() if args.no_redis else ("redis-server",)):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            sys.exit(f"{tool} is needed (Debian: apt-get install {tool.split('-')[0]})")
    work = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    cluster = redis = server = None
    try:
        if args.stop_postgres_for or args.throwaway_postgres:
            if reason := ThrowawayPostgres.unavailable():
                sys.exit(f"cannot make a throwaway PostgreSQL cluster: {reason}")
            cluster = ThrowawayPostgres()
            cluster.start()
            database_url = cluster.url("newsroom_load")
            where = f"a throwaway PostgreSQL cluster on port {cluster.port}"
        else:
            database_url = args.database_url
            where = database_url
        env = production_environment(
            DATABASE_URL=database_url,
            SECRET_KEY=secrets.token_urlsafe(50),
            STATIC_ROOT=str(work / "static"),
            # Kept beside a database that is kept: load_demo finds its
            # images again on the next run.
            MEDIA_ROOT=str(
                work / "media"
                if cluster
                else Path(tempfile.gettempdir())
                / f"{database_name(database_url)}-media"
            ),
            # The load's own JSON request log would be most of the output.
            REQUEST_LOG_LEVEL="WARNING",
            # No mail server on this machine; production names its own.
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        )
        prepare_database(database_url, env)
        passwords = make_editors(args.editors, env)
        site = read_site(database_url, args.seed)
        if not args.no_redis:
            redis = PrivateRedis()
            redis.start()
            env["REDIS_URL"] = redis.url
        workers = args.workers or None
        server = Gunicorn(env, workers=workers or _conf_workers())
        server.start()
        worker_count = len(server.worker_pids())
        warm_up(server, site, worker_count)

        print(
            f"\nNewsroom load with writes: {args.seconds} s, {args.readers} reader "
            f"connections, {args.editors} editors, {worker_count} gunicorn workers, "
            f"page cache {'on disk, shared' if args.no_redis else 'in Redis'}\n"
            f"database: {where} ({site.stories} public stories, "
            f"{site.entities} entities); readers cycle {len(site.paths)} addresses"
        )
        saves: list[Save] = []
        lock = threading.Lock()
        started = time.time()
        deadline = time.monotonic() + args.seconds
        rng = random.Random(args.seed)
        editors = [
            Editor(
                name,
                password,
                server.port,
                site,
                deadline,
                random.Random(rng.random()),
                saves,
                lock,
                drafts=args.drafts,
            )
            for name, password in passwords.items()
        ]
        reader_result: list[ReaderFigures] = []
        readers = threading.Thread(
            target=run_readers,
            args=(server.port, site, args.seconds, args.readers, reader_result),
        )
        readers.start()
        for editor in editors:
            editor.start()
        outage = None
        if args.stop_postgres_for:
            time.sleep(args.seconds / 3)
            down = time.time()
            cluster.stop()
            stopped = time.time()
            time.sleep(args.stop_postgres_for)
            restarting = time.time()
            cluster.start()
            outage = (down, stopped, restarting, time.time())
        readers.join()
        for editor in editors:
            editor.join(timeout=120)
        server.stop()
        log = server.log
        KEPT_LOG.write_text(log)
        marks, transitions, version_rows = history(database_url, saves, started)
        report(
            args,
            reader_result[0],
            saves,
            marks,
            transitions,
            version_rows,
            outage,
            started,
            log,
        )
    finally:
        if server is not None:
            server.stop()
            server.log_path.unlink(missing_ok=True)
        if redis is not None:
            redis.stop()
        if cluster is not None:
            cluster.destroy()
        subprocess.run(["rm", "-rf", str(work)], check=False)


def _conf_workers() -> int:
    import multiprocessing
    import os

    return int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)


def report(
    args, readers, saves, marks, transitions, version_rows, outage, started, log
):
    ok = True
    fivexx = sum(n for status, n in readers.statuses.items() if status >= 500)
    print("\nReaders (wrk)")
    print(
        f"  requests served     {readers.requests:,} in {readers.duration_s:.1f} s "
        f"({readers.requests / readers.duration_s:,.0f} a second)"
    )
    print(
        "  by status           "
        + ", ".join(
            f"{status}: {n:,}" for status, n in sorted(readers.statuses.items())
        )
    )
    print(f"  5xx                 {fivexx:,}")
    print(
        "  page cache          "
        + ", ".join(
            f"{n:,} {'uncached (search, errors)' if kind == 'none' else kind}"
            for kind, n in sorted(readers.cache.items())
        )
    )
    cacheable = readers.cache["HIT"] + readers.cache["MISS"]
    if cacheable:
        print(
            f"  page cache hit rate {readers.cache['HIT'] / cacheable:.1%} of the "
            f"{cacheable:,} cacheable answers, while the editors worked"
        )
    print(
        "  latency             "
        + ", ".join(
            f"p{p} {readers.latency_us[p] / 1000:.1f} ms"
            for p in ("50", "90", "99", "99.9")
        )
        + f", max {readers.latency_us['max'] / 1000:.1f} ms"
    )
    print(
        "  transport errors    "
        + ", ".join(f"{k} {v}" for k, v in readers.errors.items())
    )

    saved = [s for s in saves if s.status == 302]
    conflicts = [s for s in saves if s.status == 409]
    outage_saves = [s for s in saves if s.status >= 500]
    other = [s for s in saves if s.status not in (302, 409) and s.status < 500]
    print(f"\nEditors ({args.editors}, saving through the admin change form)")
    kinds = Counter(s.kind for s in saves)
    print(
        f"  saves attempted     {len(saves):,} ("
        + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        + ")"
    )
    print(f"  saved (302)         {len(saved):,}")
    print(
        f"  conflicts (409)     {len(conflicts):,}: shown to the editor with both texts"
    )
    print(
        f"  refused by the form {len(other):,}"
        + (f" (statuses {dict(Counter(s.status for s in other))})" if other else "")
    )
    print(
        f"  5xx                 {len(outage_saves):,}"
        + (
            f" ({dict(Counter(s.status for s in outage_saves))})"
            if outage_saves
            else ""
        )
    )
    times = [s.seconds * 1000 for s in saves]
    print(
        f"  save latency        p50 {percentile(times, 50):.0f} ms, "
        f"p95 {percentile(times, 95):.0f} ms, max {max(times, default=0):.0f} ms"
    )

    recorded = sum(1 for s in saved if marks[s.mark])
    conflicted_recorded = sum(1 for s in conflicts if marks[s.mark])
    failed_recorded = sum(1 for s in outage_saves if marks[s.mark])
    steps = Counter(s.kind for s in saved if s.kind in ("submit", "publish"))
    print("\nHistory (django-reversion versions and Transition rows, read afterwards)")
    print(
        f"  saves recorded      {recorded:,} of {len(saved):,} successful saves "
        f"({version_rows:,} story versions by the load's editors)"
    )
    print(f"  conflicted saves in history  {conflicted_recorded} of {len(conflicts)}")
    if outage_saves:
        print(
            f"  5xx saves in history         {failed_recorded} of {len(outage_saves)}"
        )
    print(
        f"  workflow steps      submit {transitions.get('submit', 0)} of "
        f"{steps['submit']}, publish {transitions.get('publish', 0)} of "
        f"{steps['publish']} (Transition rows of successful saves)"
    )
    ok &= recorded == len(saved) and conflicted_recorded == 0 and failed_recorded == 0
    ok &= transitions.get("submit", 0) == steps["submit"]
    ok &= transitions.get("publish", 0) == steps["publish"]
    ok &= readers.errors.get("timeout", 0) == 0

    running = log.split("Handling signal: term")[0]  # before the shutdown
    timeouts = running.count("WORKER TIMEOUT")
    crashes = running.count("exited with code") + running.count("was sent SIG")
    recycled = running.count("Autorestarting worker")
    print(
        f"\nWorkers: {timeouts} timed out, {crashes} crashed or killed, "
        f"{recycled} recycled by max_requests"
    )
    ok &= timeouts == 0 and crashes == 0

    if outage is None:
        ok &= fivexx == 0 and not outage_saves
    else:
        down, stopped, restarting, up = outage
        # wrk counts by whole seconds: a second that overlaps the outage
        # counts as in it; after the restart, one second's grace for
        # requests already in flight.
        first_bad, last_ok_second = int(down), int(up) + 1
        outside = {
            second: n
            for second, n in readers.bad_by_second.items()
            if not first_bad <= second <= last_ok_second
        }
        statuses_5xx = {s: n for s, n in readers.statuses.items() if s >= 500}
        # A save in flight when the database stopped fails too.
        late_saves = [
            s
            for s in outage_saves
            if not (s.started <= up + 1 and s.started + s.seconds >= down - 1)
        ]
        after = sum(
            n for second, n in readers.good_by_second.items() if second > up + 1
        )
        saved_after = sum(1 for s in saved if s.started > up)
        print(
            f"\nPostgreSQL stopped at +{down - started:.1f} s (down at "
            f"+{stopped - started:.1f} s), started again at "
            f"+{restarting - started:.1f} s, accepting at +{up - started:.1f} s"
        )
        print(
            f"  5xx to readers      {sum(statuses_5xx.values()):,} "
            f"({statuses_5xx}), all between +{first_bad - int(started)} s and "
            f"+{last_ok_second - int(started)} s: {'yes' if not outside else 'NO'}"
        )
        print(
            "  5xx by second       "
            + ", ".join(
                f"+{second - int(started)}s: {n}"
                for second, n in sorted(readers.bad_by_second.items())
            )
        )
        print(f"  5xx outside it      {sum(outside.values())}")
        print(
            f"  editors' 5xx saves  {len(outage_saves)}, outside the outage "
            f"{len(late_saves)}"
        )
        print(
            f"  after the restart   {after:,} reader pages served (2xx/3xx), "
            f"{saved_after} saves made"
        )
        ok &= not outside and not late_saves and after > 0 and saved_after > 0
        ok &= set(statuses_5xx) <= {503}
    print(f"\ngunicorn's log: {KEPT_LOG}")
    print(f"Verdict: {'OK' if ok else 'FAILED'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
