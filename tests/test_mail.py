"""Mail leaves the request: the background worker sends it to a real SMTP
server (aiosmtpd on 127.0.0.1), retries when the server is down, logs what
it gave up on; the settings come from the environment."""

import datetime
import email
import email.policy
import logging
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from demo.servers import free_port
from newsroom.mail import Mail, queue_mail
from tests.articles.test_workflow import workflow_form_data
from tests.test_security import PROJECT, production_env, production_settings

pytestmark = pytest.mark.django_db


class Inbox:
    """What the SMTP server was handed, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def mail_via_smtp(settings, smtp_port):
    """The SMTP backend, pointed at 127.0.0.1:<smtp_port>, where nothing
    listens until a test starts ``smtp_server``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(mail_via_smtp, smtp_port):
    """Start a real SMTP server on the port mail is sent to."""
    started = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        started.append(controller)
        return inbox

    yield start
    for controller in started:
        controller.stop()


def a_mail(to="clara@newsroom.test"):
    return Mail.render(
        to,
        "Published: BMW and Great Wall in talks",
        "mail/workflow_step",
        {
            "action": "publish",
            "actor": "Sam Editor",
            "name": "Clara",
            "headline": "BMW and Great Wall in talks",
            "public_url": "https://news.newsroom.test/stories/bmw/",
            "admin_url": "https://admin.newsroom.test/admin/articles/article/1/",
        },
    )


def test_the_worker_sends_a_plain_text_and_an_html_part(
    smtp_server, mail_worker, django_capture_on_commit_callbacks
):
    inbox = smtp_server()
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail([a_mail()])
    assert inbox.messages == []  # queued, not sent: the worker sends

    mail_worker()

    (message,) = inbox.messages
    assert message["To"] == "clara@newsroom.test"
    assert message["Subject"] == "Published: BMW and Great Wall in talks"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Hello Clara,\n\nSam Editor has published")
    assert "https://news.newsroom.test/stories/bmw/" in text
    assert '<a href="https://news.newsroom.test/stories/bmw/">' in html
    assert '<a href="https://admin.newsroom.test/admin/articles/article/1/"' in html
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nothing_is_queued_by_a_step_that_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_mail([a_mail()])
            raise RuntimeError("the step fails")
        queue_mail([a_mail()])  # a step that commits, for contrast
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 1


def test_a_stopped_mail_server_neither_fails_nor_holds_the_editors_click(
    story,
    client_as,
    mail_via_smtp,
    smtp_server,
    mail_worker,
    django_capture_on_commit_callbacks,
    time_machine,
    caplog,
):
    time_machine.move_to(
        datetime.datetime(2025, 6, 10, 9, 0, tzinfo=datetime.UTC), tick=False
    )
    article = story("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, workflow_form_data(article, "publish"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published
    (queued,) = DBTaskResult.objects.all()
    assert queued.status == "READY"  # the click only queued it

    # The worker's first attempt finds nobody listening: logged, kept as a
    # failed attempt with its error, and tried again later.
    with caplog.at_level(logging.WARNING, logger="newsroom.mail"):
        mail_worker()
    queued.refresh_from_db()
    assert queued.status == "FAILED"
    assert "ConnectionRefusedError" in queued.exception_class_path
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after == timezone.now() + datetime.timedelta(seconds=60)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert "Mail to journalist@newsroom.test failed (attempt 1" in caplog.text

    # Not before its time...
    inbox = smtp_server()
    mail_worker()
    assert inbox.messages == []
    # ...then it goes.
    time_machine.shift(datetime.timedelta(seconds=61))
    mail_worker()
    (message,) = inbox.messages
    assert message["To"] == "journalist@newsroom.test"
    assert f"/stories/{article.slug}/" in message.get_body(("plain",)).get_content()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"


def test_the_worker_gives_up_after_the_last_retry_and_logs_it(
    settings,
    mail_via_smtp,
    mail_worker,
    django_capture_on_commit_callbacks,
    time_machine,
    caplog,
):
    settings.MAIL_RETRY_DELAYS = [10, 20]
    time_machine.move_to(
        datetime.datetime(2025, 6, 10, 9, 0, tzinfo=datetime.UTC), tick=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail([a_mail()])
    with caplog.at_level(logging.WARNING, logger="newsroom.mail"):
        for _ in range(3):
            mail_worker()
            time_machine.shift(datetime.timedelta(seconds=30))
    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [a.status for a in attempts] == ["FAILED", "FAILED", "FAILED"]
    assert [a.args_kwargs["kwargs"].get("attempt", 1) for a in attempts] == [1, 2, 3]
    assert "Mail to clara@newsroom.test gave up after 3 attempts" in caplog.text
    ours = [r.levelname for r in caplog.records if r.name == "newsroom.mail"]
    assert ours == ["WARNING", "WARNING", "ERROR"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "submission://desk%40example.com:p%40ss@smtp.example.com",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "smtp.example.com",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "desk@example.com",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtp://smtp.example.com:465?ssl=1",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False},
        ),
        (
            "file:///var/tmp/newsroom-mail",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/tmp/newsroom-mail",
            },
        ),
    ],
)
def test_email_url_configures_the_mail_server(url, expected):
    values = production_settings(*expected, EMAIL_URL=url)
    assert values == expected


def test_separate_email_variables_configure_the_mail_server():
    values = production_settings(
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_TIMEOUT",
        "SITE_URL",
        "ADMIN_BASE_URL",
        EMAIL_URL="",
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="desk",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
        EMAIL_TIMEOUT="4",
        ADMIN_BASE_URL="https://desk.example.com/",
    )
    assert values == {
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "desk",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 4,
        # The public base defaults to HTTPS on the first allowed host.
        "SITE_URL": "https://example.com",
        "ADMIN_BASE_URL": "https://desk.example.com",
    }


def test_check_deploy_warns_when_no_mail_server_is_configured():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT,
        env=production_env(EMAIL_URL=""),
        capture_output=True,
        text=True,
    )
    assert "newsroom.W002" in result.stderr + result.stdout


def test_the_file_backend_keeps_mail_for_a_trial(
    settings, tmp_path, mail_worker, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail([a_mail()])
    mail_worker()
    (written,) = tmp_path.iterdir()
    assert "Subject: Published: BMW and Great Wall in talks" in written.read_text()
