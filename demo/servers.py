"""Servers of our own, to stop and start at will: a throwaway PostgreSQL
cluster, a private Redis, and gunicorn run as in production.

The shared PostgreSQL and Redis on the standard ports belong to everyone on
the machine and are never stopped. The fault tests (tests/test_faults.py) and
the load script (bench/load_with_writes.py) use these instead, each on a free
port of its own, in a temporary directory that is removed afterwards.
"""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
# The password of the ``server_editor`` fixture (tests/conftest.py).
SERVER_PASSWORD = "a long editor's password"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    """Poll ``check`` until it returns something true, or fail after
    ``timeout`` seconds: servers take their own time to start."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Ask ``process`` to stop (SIGTERM: a server finishes what it is
    answering), and kill it if it has not stopped within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Server:
    """A process of ours a test or benchmark starts and stops: ``with``
    starts it and stops it whatever happens."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()


class ThrowawayPostgres(Server):
    """A PostgreSQL cluster in a temporary directory, on a private port,
    run as the ``postgres`` OS user when we are root (initdb refuses root)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")

    @staticmethod
    def unavailable() -> str | None:
        """Why a throwaway cluster cannot be made here, or None."""
        if not (PG_BIN / "initdb").exists():
            return f"no initdb in {PG_BIN} (set PG_BIN)"
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no postgres user to run initdb"
            if not shutil.which("runuser"):
                return "running as root without runuser to become postgres"
        return None

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
        # Durability off: nothing here outlives the test.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``fast`` ends every open session, as a real
        shutdown or failover does."""
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"
        )

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        if self.running:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __exit__(self, *exc_info):
        self.destroy()


class PrivateRedis(Server):
    """A redis-server on a private port that keeps nothing on disk."""

    def __init__(self, port: int | None = None, password: str | None = None):
        self.port = port or free_port()
        self.password = password
        self.process: subprocess.Popen | None = None

    @staticmethod
    def unavailable() -> str | None:
        return None if shutil.which("redis-server") else "no redis-server on PATH"

    @property
    def url(self) -> str:
        credentials = f":{self.password}@" if self.password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tempfile.gettempdir(),
                *(["--requirepass", self.password] if self.password else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                # Without the password, a PING is refused: an answer all the same.
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith((b"+PONG", b"-NOAUTH"))
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class FrontServer(Server):
    """A server of ours in front of gunicorn (Varnish, nginx), run from the
    repository's own configuration, in a folder of its own, on a private
    port, in the foreground so that stopping it is stopping the process."""

    name = "server"

    def __init__(self, backend_port: int, port: int | None = None):
        self.port = port or free_port()
        self.backend_port = backend_port
        self.root = Path(tempfile.mkdtemp(prefix=f"newsroom-{self.name}-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        with (self.root / "server.log").open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT
            )
        wait_for(self._answers, 30, f"{self.name} on port {self.port}")

    @property
    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} stopped:\n{self.log}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def get(self, path: str, timeout=10):
        """(status, headers as (name, value) pairs, body) of one GET."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=20)
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


class Varnish(FrontServer):
    """varnishd with the shipped deploy/varnish/newsroom.vcl, its backend
    pointed at ``backend_port``."""

    name = "varnish"
    VCL = REPO / "deploy" / "varnish" / "newsroom.vcl"

    @staticmethod
    def unavailable() -> str | None:
        if not shutil.which("varnishd"):
            return "no varnishd: install Debian's varnish and varnish-modules"
        return None

    def command(self) -> list[str]:
        vcl = self.VCL.read_text().replace(
            '.port = "8000";', f'.port = "{self.backend_port}";'
        )
        assert str(self.backend_port) in vcl, "the VCL's backend port moved"
        (self.root / "newsroom.vcl").write_text(vcl)
        if os.geteuid() == 0:
            # varnishd drops to its own users: they must reach the folder.
            self.root.chmod(0o755)
        return [
            "varnishd",
            "-F",
            "-a",
            f"127.0.0.1:{self.port}",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(self.root / "newsroom.vcl"),
            "-n",
            str(self.root / "work"),
            "-s",
            "malloc,64m",
        ]


class Nginx(FrontServer):
    """nginx with the shipped media snippet (deploy/nginx/newsroom-media.conf)
    and proxy snippet, in a plain-HTTP server in front of ``backend_port``,
    serving ``media_root``."""

    name = "nginx"
    DEPLOY = REPO / "deploy" / "nginx"

    def __init__(self, backend_port: int, media_root: Path, port: int | None = None):
        super().__init__(backend_port, port)
        self.media_root = media_root

    @staticmethod
    def unavailable() -> str | None:
        if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
            return "no nginx: install Debian's nginx-light"
        return None

    def command(self) -> list[str]:
        proxy = self.root / "newsroom-proxy.conf"
        proxy.write_text((self.DEPLOY / "newsroom-proxy.conf").read_text())
        media = (self.DEPLOY / "newsroom-media.conf").read_text()
        shipped_alias = "alias /srv/newsroom/media/;"
        assert shipped_alias in media, "the media snippet's alias moved"
        media = media.replace(shipped_alias, f"alias {self.media_root}/;").replace(
            "/etc/nginx/snippets/newsroom-proxy.conf", str(proxy)
        )
        (self.root / "newsroom-media.conf").write_text(media)
        temp = {
            name: self.root / name
            for name in ("body", "proxy", "fcgi", "uwsgi", "scgi")
        }
        (self.root / "nginx.conf").write_text(
            # As root, nginx's workers would otherwise run as nobody, who
            # cannot read a test's temporary folders.
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"""
worker_processes 1;
daemon off;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log;
events {{}}
http {{
    access_log off;
    include /etc/nginx/mime.types;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    upstream newsroom {{
        server 127.0.0.1:{self.backend_port};
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        include {self.root}/newsroom-media.conf;
        location / {{
            proxy_pass http://newsroom;
            include {proxy};
        }}
    }}
}}
"""
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-c", str(self.root / "nginx.conf"), "-p", str(self.root)]


def production_environment(**overrides: str) -> dict[str, str]:
    """The environment of a production process: settings from the variables
    the README lists, DEBUG off, nothing inherited from a test run's own
    settings. Plain HTTP on 127.0.0.1 stands in for the proxy that ends TLS."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL"}
        and not key.startswith(("DATABASE_", "GUNICORN_", "PYTEST_"))
    }
    env.update(
        # A cache of its own: another server's pages are not this one's.
        CACHE_DIR=tempfile.mkdtemp(prefix="newsroom-cache-"),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="a-production-like-secret-for-a-test-server-only",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """Run ``manage.py`` in a production environment; return its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


class Gunicorn(Server):
    """gunicorn -c gunicorn.conf.py, as the README runs it in production."""

    def __init__(self, env: dict[str, str], workers: int = 2, port: int | None = None):
        self.port = port or free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.log_path = Path(tempfile.mkstemp(prefix="newsroom-gunicorn-")[1])
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        workers = int(self.env["WEB_CONCURRENCY"])
        wait_for(
            lambda: (
                self.process.poll() is None
                and len(self.worker_pids()) == workers
                and self.answers()
            ),
            timeout,
            f"gunicorn on port {self.port}\n{self.log}",
        )

    def answers(self) -> bool:
        try:
            self.get("/healthz")
            return True
        except OSError:
            return False

    def get(self, path: str, headers: dict[str, str] | None = None, timeout=10):
        """(status, headers, body) of one GET."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def worker_pids(self) -> set[int]:
        """The master's children, from /proc."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.add(int(stat.parent.name))
        return children

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process, timeout=40)
        self.process = None

    def __exit__(self, *exc_info):
        super().__exit__(*exc_info)
        self.log_path.unlink(missing_ok=True)


def shut_down(server: Gunicorn) -> None:
    server.stop()
    server.log_path.unlink(missing_ok=True)


class Browser:
    """An editor's browser: keeps cookies, does not follow redirects."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, server: Gunicorn):
        self.root = f"http://127.0.0.1:{server.port}"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirects
        )

    def request(self, path: str, data: dict | None = None):
        body = None if data is None else urllib.parse.urlencode(data, doseq=True)
        try:
            with self.opener.open(
                self.root + path, body and body.encode(), timeout=30
            ) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:  # 3xx, 4xx and 5xx alike
            return answer.code, answer.headers, answer.read().decode()

    def form_token(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, (path, status, page[:500])
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def sign_in(self, username: str, password: str = SERVER_PASSWORD) -> None:
        login = "/admin/login/"
        status, headers, _ = self.request(
            login,
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.form_token(login),
                "next": "/admin/",
            },
        )
        assert (status, headers["Location"]) == (302, "/admin/")

    @classmethod
    def signed_in(cls, server: "Gunicorn", username: str) -> "Browser":
        """A browser on ``server``, signed in as ``username`` (whose password
        is SERVER_PASSWORD: the ``server_editor`` fixture)."""
        browser = cls(server)
        browser.sign_in(username)
        return browser

    def press(self, article, action: str, **fields) -> None:
        """Post ``article``'s change form with a workflow button, as the
        signed-in editor's browser does."""
        from tests.factories import workflow_form_data

        change = f"/admin/articles/article/{article.pk}/change/"
        status, _, page = self.request(
            change,
            {
                **workflow_form_data(article, action, **fields),
                "csrfmiddlewaretoken": self.form_token(change),
            },
        )
        assert status == 302, page[:2000]


def database_url() -> str:
    """The test database, for servers that read what a test committed."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def app_server_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Production settings for an app server that reads what a test has
    committed to the test database, with a cache and media of its own."""
    return production_environment(
        **{
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.servers",
            "DATABASE_URL": database_url(),
            "CACHE_DIR": str(tmp_path / "cache"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "GUNICORN_ACCESS_LOG": "off",
            "REQUEST_LOG_LEVEL": "WARNING",
            **overrides,
        }
    )
