"""The browser tests' fixtures: one newsroom served by gunicorn for the whole
run, Debian's Chromium driven by Playwright, and a watch on every page for
console errors, script errors, Content-Security-Policy violations, failed
requests and server errors.

Run them with ``make e2e`` or ``pytest -m e2e``. To work on the tests against
a newsroom you already serve (with the demo loaded and DEMO_PASSWORD set for
both editors), set E2E_SERVER_URL and E2E_PASSWORD.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
)

from tests.e2e.server import BASE_DIR, NewsroomServer

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium, as root, with nothing phoning home: this machine has no
# network beyond the loopback, and a test must not depend on one anyway.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]
SCREENSHOTS = BASE_DIR / "screenshots"
# Generous for two busy cores; a step that takes longer has hung.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)

# Reports every Content-Security-Policy violation of a page to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__newsroomCspViolation({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


@dataclass
class LiveNewsroom:
    url: str
    password: str
    log_path: Path | None = None
    # The server this run started (None with E2E_SERVER_URL): its shell, its
    # mail worker and the port its mail goes to.
    server: NewsroomServer | None = None

    def errors_logged(self, lines: int = 60) -> str:
        """The end of the server's log, without its access log lines."""
        if self.log_path is None or not self.log_path.exists():
            return "(no server log)"
        kept = [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if not line.startswith("127.0.0.1 - - ") and '"level": "INFO"' not in line
        ]
        return "\n".join(kept[-lines:])


@pytest.fixture(scope="session")
def newsroom() -> LiveNewsroom:
    if url := os.environ.get("E2E_SERVER_URL"):
        yield LiveNewsroom(url.rstrip("/"), os.environ["E2E_PASSWORD"])
        return
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or set E2E_CHROMIUM."
        )
    server = NewsroomServer()
    server.start()
    try:
        yield LiveNewsroom(server.url, server.password, server.log_path, server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(newsroom: LiveNewsroom) -> str:
    return newsroom.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder the README names; emptied at the start of every run."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir()
    return SCREENSHOTS


# Steps of one story, in order: once one fails, the rest cannot run.


def pytest_runtest_makereport(item, call):
    if "incremental" in item.keywords and call.excinfo and call.when != "teardown":
        item.parent.failed_step = item.name


def pytest_runtest_setup(item):
    failed = getattr(item.parent, "failed_step", None)
    if "incremental" in item.keywords and failed:
        pytest.skip(f"the earlier step {failed} failed")


# Watching pages


@dataclass
class Problem:
    page_url: str
    kind: str
    text: str

    @property
    def public(self) -> bool:
        return not urllib.parse.urlsplit(self.page_url).path.startswith("/admin/")

    def __str__(self) -> str:
        return f"{self.kind} on {self.page_url}: {self.text}"


@dataclass
class PageWatch:
    """What went wrong on the pages of this test's browser contexts."""

    problems: list[Problem] = field(default_factory=list)
    # Documents that answered 4xx on purpose (a 404, the 410 of a withdrawn
    # story, a 409 conflict): the browser logs each as a console error.
    expected_statuses: set[str] = field(default_factory=set)

    def watch_context(self, context: BrowserContext) -> None:
        context.expose_binding("__newsroomCspViolation", self._on_csp_violation)
        context.add_init_script(CSP_LISTENER)
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self._add(page, "script error", error))
        page.on("requestfailed", lambda request: self._on_failed(page, request))
        page.on("response", lambda response: self._on_response(page, response))

    def _add(self, page: Page, kind: str, text) -> None:
        self.problems.append(Problem(page.url, kind, str(text)))

    def _on_csp_violation(self, source, violation) -> None:
        self.problems.append(
            Problem(source["frame"].url, "CSP violation", f"{violation}")
        )

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if (
            message.text.startswith("Failed to load resource")
            and where in self.expected_statuses
        ):
            return
        self._add(page, "console error", f"{message.text} ({where})")

    def _on_failed(self, page: Page, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # the page moved on (a form sent) before it finished
        self._add(page, "failed request", f"{request.url}: {request.failure}")

    def _on_response(self, page: Page, response) -> None:
        if response.status >= 500:
            self._add(page, "server error", f"{response.status} {response.url}")
        elif response.status >= 400 and response.request.is_navigation_request():
            self.expected_statuses.add(response.url)
        elif response.status >= 400:
            # A picture, a style sheet or a script the page asked for and
            # did not get: on a public page, a reader sees the hole.
            self._add(page, "failed sub-request", f"{response.status} {response.url}")

    def public_problems(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.public]

    def clear(self) -> None:
        self.problems.clear()


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def new_context(new_context, page_watch: PageWatch):
    """Every context is watched. Nothing stands in for the server: /media/
    is answered by the newsroom itself, as in production."""

    def make(**kwargs) -> BrowserContext:
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page_watch.watch_context(context)
        return context

    return make


@pytest.fixture(autouse=True)
def _no_problems_on_public_pages(request, page_watch: PageWatch):
    """Every test fails on a console error, a CSP violation or a failed
    request on a public page, and on a script error or a server error on
    any page."""
    yield
    problems = [
        problem
        for problem in page_watch.problems
        if problem.public or problem.kind in {"server error", "script error"}
    ]
    ADMIN_PROBLEMS.extend(set(map(str, page_watch.problems)) - set(map(str, problems)))
    report = "\n".join(map(str, problems))
    if any(problem.kind == "server error" for problem in problems):
        newsroom = request.getfixturevalue("newsroom")
        report += f"\n\nThe server's log ends:\n{newsroom.errors_logged()}"
    assert not problems, report


# Signing in


@pytest.fixture
def sign_in(new_context, newsroom: LiveNewsroom):
    """A page signed in to the admin as ``username``, in its own context."""

    def sign_in_as(username: str, **context_args) -> Page:
        page = new_context(**context_args).new_page()
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(newsroom.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")
        return page

    return sign_in_as


@pytest.fixture
def reader(new_context) -> Page:
    """A reader's page: nobody signed in."""
    return new_context().new_page()


# The accessibility summary


AXE_RESULTS: list[dict] = []
# Every picture the layout checks loaded: {"page", "width", "checked", "broken"}.
IMAGE_RESULTS: list[dict] = []
# Console errors and CSP violations in the admin: reported, not failed on
# (the issue asks for a clean console on the public site).
ADMIN_PROBLEMS: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if ADMIN_PROBLEMS:
        terminalreporter.write_line(f"admin pages: {len(ADMIN_PROBLEMS)} problems")
        for problem in sorted(ADMIN_PROBLEMS)[:20]:
            terminalreporter.write_line(f"  {problem}")
    if IMAGE_RESULTS:
        checked = sum(result["checked"] for result in IMAGE_RESULTS)
        broken = sum(len(result["broken"]) for result in IMAGE_RESULTS)
        pages = len({result["page"] for result in IMAGE_RESULTS})
        widths = len({result["width"] for result in IMAGE_RESULTS})
        terminalreporter.write_line(
            f"images: {checked} checked on {pages} pages at {widths} widths, "
            f"{broken} failed to load"
        )
    if not AXE_RESULTS:
        return
    serious = sum(result["serious"] for result in AXE_RESULTS)
    critical = sum(result["critical"] for result in AXE_RESULTS)
    pages = len({result["page"] for result in AXE_RESULTS})
    widths = len({result["width"] for result in AXE_RESULTS})
    terminalreporter.write_line(
        f"axe: {pages} pages at {widths} widths, {serious} serious, {critical} critical"
    )
