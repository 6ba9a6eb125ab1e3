"""The zero-setup demo runs on SQLite (README's first command), where the
PostgreSQL-only paths (JSON arrays, full-text search, UNION of LIMITs) have
fallbacks the rest of the suite never takes. Migrate a fresh SQLite file,
load the demo and walk every page it links to: as a reader, and through the
admin as the demo journalist and editor."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WALK = r"""
import re
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client


def walk(client, start, follow, limit):
    # GET every page reachable from start through links follow() accepts;
    # return the paths seen and the failures.
    seen, failures, queue = set(), [], list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=False)
        if response.status_code not in (200, 301, 302):
            failures.append(f"{response.status_code} {path}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            link = link.replace("&amp;", "&")
            if follow(link):
                queue.append(link)
    return seen, failures


reader = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
seen, failures = walk(
    reader,
    ["/", "/search/?q=Krueger", "/search/?q=%22joint+venture%22", "/sitemap.xml"],
    lambda link: not link.startswith(("/static/", "/media/", "/admin/")),
    150,
)
kinds = {p.split("/")[1] for p in seen}
for username in ("journalist", "editor"):
    desk = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    desk.force_login(get_user_model().objects.get(username=username))
    admin_seen, admin_failures = walk(
        desk,
        ["/admin/"],
        lambda link: link.startswith("/admin/") and "logout" not in link,
        120,
    )
    kinds.add(f"admin as {username} ({len(admin_seen)})")
    failures += [f"{failure} as {username}" for failure in admin_failures]
print("walked:", len(seen), "pages;", ", ".join(sorted(kinds)), flush=True)
print("failures:", "; ".join(failures) or "none", flush=True)
"""


def test_the_demo_serves_every_public_page_on_sqlite(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def run(*args, check=True):
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0 or not check, result.stdout + result.stderr
        return result.stdout

    run("manage.py", "migrate", "--no-input", "-v0")
    run("manage.py", "load_demo")
    # The request log shares stdout: pick the walk's own lines.
    walk = run("-c", WALK, check=False).splitlines()
    summary = next(line for line in walk if line.startswith("walked:"))
    failures = next(line for line in walk if line.startswith("failures:"))
    assert failures == "failures: none", failures
    for kind in (
        "stories",
        "companies",
        "people",
        "brands",
        "sections",
        "tags",
        "search",
    ):
        assert kind in summary, summary
