"""Mail that leaves the request: queued in PostgreSQL once the step that
wrote it commits, sent by the background worker (``manage.py db_worker
--queue-name mail``), retried when the mail server fails.

The queue is Django's task framework (django-tasks, the backport of Django
6's ``django.tasks``) with its database backend (django-tasks-db): every
attempt is a row, so a failed one is kept with its traceback (the failure
log, in the admin under "Tasks"), and a retry is a new row that waits
``MAIL_RETRY_DELAYS`` before a worker takes it. An editor's click only adds
rows; it never talks to a mail server.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("newsroom.mail")

QUEUE = "mail"

# What a mail server that is down, refuses or times out raises.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Mail:
    """One message to one person: the subject, and the plain-text and HTML
    parts rendered from ``template`` (``<template>.txt`` and ``.html``)."""

    to: str
    subject: str
    text: str
    html: str

    @classmethod
    def render(cls, to: str, subject: str, template: str, context: dict) -> "Mail":
        context = {"newsroom_name": settings.NEWSROOM_NAME, **context}
        return cls(
            to=to,
            subject=subject,
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
        )


def admin_link(path: str) -> str:
    """An admin page's address as a mail must give it: absolute, on the
    admin's public base (ADMIN_BASE_URL), never a bare path."""
    return settings.ADMIN_BASE_URL + path


def public_link(path: str) -> str:
    """A reader's page's address in a mail, on the site's base (SITE_URL)."""
    return settings.SITE_URL + path


def queue_mail(mails: list[Mail]) -> None:
    """Send ``mails`` from the background worker once the current
    transaction commits (at once outside one): a step rolled back sends
    nothing."""

    def enqueue():
        for mail in mails:
            deliver_mail.enqueue(
                to=mail.to, subject=mail.subject, text=mail.text, html=mail.html
            )

    # Robust: mail that cannot be queued is logged, never the step's failure.
    transaction.on_commit(enqueue, robust=True)


def retry_delay(attempt: int) -> datetime.timedelta | None:
    """How long to wait after failed attempt number ``attempt`` (from 1), or
    None when that was the last."""
    delays = settings.MAIL_RETRY_DELAYS
    if attempt > len(delays):
        return None
    return datetime.timedelta(seconds=delays[attempt - 1])


@task(queue_name=QUEUE)
def deliver_mail(*, to: str, subject: str, text: str, html: str, attempt: int = 1):
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except DELIVERY_ERRORS as error:
        delay = retry_delay(attempt)
        if delay is None:
            logger.error(
                "Mail to %s gave up after %d attempts (%s): %s",
                to,
                attempt,
                subject,
                error,
            )
        else:
            deliver_mail.using(run_after=timezone.now() + delay).enqueue(
                to=to, subject=subject, text=text, html=html, attempt=attempt + 1
            )
            logger.warning(
                "Mail to %s failed (attempt %d, %s); trying again in %d s: %s",
                to,
                attempt,
                subject,
                delay.total_seconds(),
                error,
            )
        # The attempt's row is marked failed, with the error: the log of
        # what did not go out.
        raise
    return {"to": to, "attempt": attempt}
