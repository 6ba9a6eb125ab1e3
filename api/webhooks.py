"""Webhooks: partners' systems are told, by a signed POST, when a story is
published, corrected or withdrawn.

``enqueue`` is called inside the transaction of the step (api/signals.py):
the deliveries are rows that exist exactly when the step committed, and are
never sent for a step rolled back. ``deliver_due`` (the ``deliver_webhooks``
worker) sends what is due, outside any request, each delivery held by one
worker at a time (``SKIP LOCKED``), retried with backoff.

Each POST is JSON, signed like Stripe's and GitHub's, so the receiver can
check that it came from us and is not a replay::

    X-Newsroom-Event: story.withdrawn
    X-Newsroom-Delivery: 42
    X-Newsroom-Signature: t=1781083800,v1=<hex HMAC-SHA256 of "<t>.<body>">
"""

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import ninjs
from api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.models import Article

logger = logging.getLogger(__name__)

Event = WebhookEndpoint.Event
# After the first try, a delivery is tried again after each of these; then
# it has failed (about a day and a half in all).
BACKOFF = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=12),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1


def payload(article: Article, event: str) -> dict:
    """What the partner is sent: the event and the story in ninjs (without
    its text once withdrawn), with the API address to fetch it in full."""
    if event == Event.WITHDRAWN:
        story = ninjs.canceled(article)
    else:
        story = ninjs.story(article, full=False)
        # Usable when it is sent: a scheduled story is queued before its
        # time, and sent only if it is public then (still_true).
        story["pubstatus"] = "usable"
    return {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "api_url": ninjs.absolute(reverse("api:story", kwargs={"slug": article.slug})),
        "story": story,
    }


def enqueue(article: Article, event: str, due_at: datetime.datetime | None = None):
    """Queue ``event`` about ``article`` for every active endpoint, in the
    caller's transaction. ``due_at``: not before then (a scheduled story's
    publish time)."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    if not endpoints:
        return []
    from api.views import story_queryset

    story = story_queryset().get(pk=article.pk)
    body = json.loads(json.dumps(payload(story, event), cls=DjangoJSONEncoder))
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            article=story,
            payload=body,
            due_at=due_at or timezone.now(),
        )
        for endpoint in endpoints
    )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def still_true(delivery: WebhookDelivery) -> str | None:
    """Why a delivery should no longer go out, or None. A scheduled story
    sent back before its time was never published; a story withdrawn
    before its "published" went out is told as withdrawn, not published."""
    article = delivery.article
    if delivery.event == Event.WITHDRAWN:
        return None
    if article is None:
        return "The story has been deleted."
    if not article.is_published:
        return "The story is no longer public."
    return None


def post(delivery: WebhookDelivery) -> WebhookAttempt:
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.NEWSROOM_NAME} webhooks",
            "X-Newsroom-Event": delivery.event,
            "X-Newsroom-Delivery": str(delivery.pk),
            "X-Newsroom-Signature": signature(
                delivery.endpoint.secret, timestamp, body
            ),
        },
    )
    attempt = WebhookAttempt(delivery=delivery)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(
            request, timeout=settings.WEBHOOK_TIMEOUT
        ) as answer:
            attempt.status_code = answer.status
    except urllib.error.HTTPError as error:
        attempt.status_code = error.code
        attempt.error = f"Answered {error.code} {error.reason}"[:500]
    except (OSError, ValueError) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:500]
    attempt.duration_ms = int((time.perf_counter() - started) * 1000)
    return attempt


def deliver_one(now: datetime.datetime | None = None) -> WebhookDelivery | None:
    """Send the delivery due longest, if any, and record the try. The row is
    locked while it is sent; other workers skip it and take the next."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "article")
            .filter(status=WebhookDelivery.Status.PENDING, due_at__lte=now)
            .order_by("due_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.active:
            delivery.status = WebhookDelivery.Status.SKIPPED
            delivery.note = "The endpoint was switched off."
        elif reason := still_true(delivery):
            delivery.status = WebhookDelivery.Status.SKIPPED
            delivery.note = reason
        else:
            attempt = post(delivery)
            attempt.attempted_at = now
            attempt.save()
            delivery.attempts += 1
            if attempt.status_code and 200 <= attempt.status_code < 300:
                delivery.status = WebhookDelivery.Status.DELIVERED
                delivery.delivered_at = now
                delivery.note = ""
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.note = f"Gave up after {delivery.attempts} tries."
            else:
                delivery.due_at = now + BACKOFF[delivery.attempts - 1]
                delivery.note = (
                    f"Try {delivery.attempts + 1} at {delivery.due_at:%H:%M}."
                )
        delivery.save()
    return delivery


def deliver_due(now: datetime.datetime | None = None, limit: int = 1000) -> list:
    """Send everything due now (at most ``limit``); the deliveries handled."""
    handled = []
    while len(handled) < limit:
        delivery = deliver_one(now)
        if delivery is None:
            break
        handled.append(delivery)
    return handled
