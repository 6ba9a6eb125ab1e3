"""Security settings: check --deploy, HTTPS, headers, the Content-Security-Policy
on public pages and in the admin, and the error pages."""

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from articles.admin.common import PROSE_EDITOR_STYLE_HASH
from tests.factories import ArticleFactory, CompanyFactory

PROJECT = Path(settings.BASE_DIR)


def production_env(**extra):
    """The environment of a production server: nothing from the test run."""
    return {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
        "EMAIL_URL": "submission://newsroom:secret@mail.example.com",
        **extra,
    }


def production_settings(*names, **env):
    """The values of ``names`` in newsroom.settings under a production
    environment, read in a fresh interpreter."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, "
        "default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=production_env(DJANGO_SETTINGS_MODULE="newsroom.settings", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_check_deploy_with_production_settings_reports_nothing(report_figure):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=PROJECT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    report_figure(f"check --deploy (production settings): {result.stdout.strip()}")


def test_production_shares_one_cache_between_its_workers_without_redis(tmp_path):
    """Without REDIS_URL, production's cache is one folder of the machine,
    never a cache per process; with it, Redis."""
    values = production_settings("CACHES", CACHE_DIR=str(tmp_path))
    assert values["CACHES"]["default"]["BACKEND"] == "newsroom.caches.SharedDiskCache"
    assert values["CACHES"]["default"]["LOCATION"] == str(tmp_path)
    values = production_settings("CACHES", REDIS_URL="redis://127.0.0.1:6379/5")
    assert values["CACHES"]["default"]["BACKEND"].endswith("FailSoftRedisCache")


def test_check_deploy_warns_of_a_cache_per_process(tmp_path):
    settings_module = tmp_path / "per_process_settings.py"
    settings_module.write_text(
        "from newsroom.settings import *  # noqa: F403\n"
        "CACHES = {'default': {'BACKEND': "
        "'django.core.cache.backends.locmem.LocMemCache'}}\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT,
        env=production_env(
            DJANGO_SETTINGS_MODULE="per_process_settings",
            PYTHONPATH=f"{tmp_path}:{PROJECT}",
        ),
        capture_output=True,
        text=True,
    )
    assert "newsroom.W001" in result.stderr + result.stdout
    assert "kept in each process's memory" in result.stderr + result.stdout


def test_production_turns_every_protection_on():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
        "PASSWORD_HASHERS",
        "SESSION_SAVE_EVERY_REQUEST",
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie_flag in (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
    ):
        assert values[cookie_flag] is True, cookie_flag
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # only when asked for
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert values["SESSION_SAVE_EVERY_REQUEST"] is True


def test_the_proxy_header_and_other_switches_come_from_the_environment():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_AGE",
        "AXES_FAILURE_LIMIT",
        "CONTENT_SECURITY_POLICY",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="600",
        SESSION_COOKIE_AGE="900",
        AXES_FAILURE_LIMIT="3",
        CSP_MEDIA_ORIGINS="https://media.example.net",
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SESSION_COOKIE_AGE"] == 900
    assert values["AXES_FAILURE_LIMIT"] == 3
    img_src = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://media.example.net" in img_src


def test_images_may_come_from_the_object_storage():
    policy = production_settings(
        "CONTENT_SECURITY_POLICY",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )["CONTENT_SECURITY_POLICY"]
    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "http://127.0.0.1:9000"]
    policy = production_settings(
        "CONTENT_SECURITY_POLICY",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )["CONTENT_SECURITY_POLICY"]
    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "https://media.example.com"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_plain_http_is_redirected_and_https_carries_hsts(client):
    response = client.get("/healthz")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/healthz"
    response = client.get("/healthz", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_a_proxy_its_header_says_the_request_was_https(client):
    assert client.get("/healthz").status_code == 301
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values for name, *values in (part.split() for part in header.split(";"))
    }


@pytest.mark.django_db
def test_public_pages_send_the_protective_headers(client):
    ArticleFactory(published=True)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    policy = csp_directives(response)
    assert policy["script-src"] == ["'self'"]  # no nonce, no inline, no eval
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def inline_code(html: str) -> list[str]:
    """Whatever in ``html`` would run as script or style written into the
    page: inline <script> (other than JSON-LD data blocks), on* attributes,
    javascript: URLs, <style> elements and style attributes."""
    found = []
    for element in html5lib.parse(html, namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            continue
        data_block = element.get("type") == "application/ld+json"
        if element.tag == "script" and not element.get("src") and not data_block:
            found.append(f"inline <script>: {(element.text or '')[:60]}")
        if element.tag == "style":
            found.append("<style> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name == "style":
                found.append(f"<{element.tag} style>")
            if re.match(r"\s*javascript:", value or "", re.IGNORECASE):
                found.append(f"<{element.tag} {name}={value[:40]}>")
    return found


@pytest.mark.django_db
def test_public_pages_carry_no_inline_script_or_style(client):
    company = CompanyFactory(name="BMW Group", description="Carmaker.")
    article = ArticleFactory(published=True, entities=[company], tags=["mini"])
    pages = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/tags/mini/",
        company.get_absolute_url(),
        "/search/?q=BMW",
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert inline_code(response.content.decode()) == [], url
    # Every JSON-LD block on the story page is JSON.
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
    )
    assert blocks and all(json.loads(block) for block in blocks)


@pytest.mark.django_db
def test_the_story_form_runs_its_import_map_by_nonce(editor_client):
    article = ArticleFactory()
    response = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)">', html).group(1)
    policy = csp_directives(response)
    assert f"'nonce-{nonce}'" in policy["script-src"]
    assert PROSE_EDITOR_STYLE_HASH in policy["style-src"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The nonce is new on every page.
    again = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert f"'nonce-{nonce}'" not in again["Content-Security-Policy"]
    # Nothing else in the form runs inline: scripts are files, with data-*.
    leftovers = [
        found
        for found in inline_code(html)
        if not found.startswith("inline <script>: {")  # the nonced import map
    ]
    assert leftovers == []


@pytest.mark.django_db
def test_other_admin_pages_get_the_strict_policy(editor_client):
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:entities_company_add"),
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        policy = csp_directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert inline_code(response.content.decode()) == [], url


def test_the_editor_style_hash_matches_the_installed_editor():
    """django-prose-editor's Tiptap injects a fixed stylesheet; the admin's
    policy allows it by hash. An upgrade that changes it must fail here."""
    import django_prose_editor

    editor_js = (
        Path(django_prose_editor.__file__).parent
        / "static/django_prose_editor/editor.js"
    ).read_text()
    start = editor_js.index("`.ProseMirror {\n  position: relative;")
    css = editor_js[start + 1 : editor_js.index("`", start + 1)]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == PROSE_EDITOR_STYLE_HASH


@pytest.mark.django_db
def test_error_pages_look_like_the_site(client, editor):
    not_found = client.get("/stories/no-such-story/")
    assert not_found.status_code == 404
    assert 'class="masthead' in not_found.content.decode()

    bad_host = client.get("/", headers={"Host": "evil.example"})
    assert bad_host.status_code == 400
    assert "We could not understand that request" in bad_host.content.decode()
    assert 'class="masthead' in bad_host.content.decode()

    # Editors manage the newsroom, not its accounts.
    client.force_login(editor)
    denied = client.get(reverse("admin:auth_user_changelist"))
    assert denied.status_code == 403
    assert "You may not see this page" in denied.content.decode()


@pytest.mark.django_db
def test_the_500_page_is_plain_and_styled_under_the_policy():
    client = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF="tests.urls_failing"):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    policy = csp_directives(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
