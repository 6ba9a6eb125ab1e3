"""Webhooks, against a real HTTP receiver on 127.0.0.1: queued in the
transaction of the step, signed, sent by the worker outside the request,
retried with backoff, logged (api/webhooks.py)."""

import datetime
import hashlib
import hmac
import http.server
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from articles.workflow import Action, perform
from tests.api.conftest import assert_ninjs
from tests.factories import CorrectionFactory

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


class Receiver(http.server.ThreadingHTTPServer):
    """A partner's endpoint: records each POST and answers the next status
    in ``answers`` (200 once they run out)."""

    daemon_threads = True

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        super().__init__(("127.0.0.1", 0), ReceiverHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/newsroom"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"headers": dict(self.headers), "body": body})
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(
        name="Autowire", url=receiver.url, secret="s3cret-shared-with-autowire"
    )


def verified(received: dict, secret: str) -> dict:
    """The receiver's side: check the signature as the /api/ page says,
    then read the body."""
    t, v1 = (
        part.split("=", 1)[1]
        for part in received["headers"]["X-Newsroom-Signature"].split(",")
    )
    expected = hmac.new(
        secret.encode(), f"{t}.".encode() + received["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(v1, expected)
    return json.loads(received["body"])


def test_publishing_sends_a_signed_post_after_commit(receiver, endpoint, story, editor):
    coming = story("in_review")
    perform(coming, Action.PUBLISH, editor)
    # Nothing is sent in the editor's request: the worker sends it.
    assert receiver.received == []
    (delivery,) = webhooks.deliver_due()

    assert delivery.status == Status.DELIVERED
    (call,) = receiver.received
    assert call["headers"]["X-Newsroom-Event"] == "story.published"
    assert call["headers"]["X-Newsroom-Delivery"] == str(delivery.pk)
    assert call["headers"]["Content-Type"] == "application/json"
    payload = verified(call, endpoint.secret)
    assert payload["event"] == "story.published"
    assert payload["api_url"].endswith(reverse("api:story", args=[coming.slug]))
    story_item = assert_ninjs(payload["story"])
    assert story_item["pubstatus"] == "usable"
    assert story_item["headlines"][0]["value"] == coming.headline
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 200


def test_withdrawing_sends_canceled(receiver, endpoint, story, editor):
    published = story("published")
    perform(published, Action.WITHDRAW, editor, comment="Legal", public_notice="Gone.")
    webhooks.deliver_due()
    (call,) = receiver.received
    assert call["headers"]["X-Newsroom-Event"] == "story.withdrawn"
    payload = verified(call, endpoint.secret)
    assert assert_ninjs(payload["story"])["pubstatus"] == "canceled"
    assert published.headline not in call["body"].decode()


def test_a_correction_to_a_public_story_is_sent(receiver, endpoint, story):
    published = story("published")
    CorrectionFactory(article=published, text="The plant is in Oxford.")
    CorrectionFactory(article=story("draft"))
    webhooks.deliver_due()
    (call,) = receiver.received
    assert call["headers"]["X-Newsroom-Event"] == "story.corrected"
    assert verified(call, endpoint.secret)["story"]["uri"].endswith(
        f":story:{published.pk}"
    )


def test_a_step_rolled_back_sends_nothing(receiver, endpoint, story, editor):
    coming = story("in_review")
    with pytest.raises(RuntimeError), transaction.atomic():
        perform(coming, Action.PUBLISH, editor)
        raise RuntimeError("the rest of the editor's save failed")
    assert WebhookDelivery.objects.count() == 0
    assert webhooks.deliver_due() == []
    assert receiver.received == []


def test_a_failing_endpoint_is_retried_with_backoff_then_given_up(
    receiver, endpoint, story, editor, frozen_now
):
    receiver.answers = [500] * webhooks.MAX_ATTEMPTS
    perform(story("in_review"), Action.PUBLISH, editor)
    now = frozen_now
    (delivery,) = webhooks.deliver_due(now)
    assert delivery.status == Status.PENDING
    assert delivery.due_at == now + webhooks.BACKOFF[0]
    # Not due again until then.
    assert webhooks.deliver_due(now + webhooks.BACKOFF[0] / 2) == []
    for wait in webhooks.BACKOFF:
        now += wait
        (delivery,) = webhooks.deliver_due(now)
    assert delivery.status == Status.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS
    assert [a.status_code for a in delivery.attempt_log.all()] == [
        500
    ] * webhooks.MAX_ATTEMPTS
    # A payload sent again is the same payload.
    assert len({call["body"] for call in receiver.received}) == 1


def test_a_failure_then_success(receiver, endpoint, story, editor, frozen_now):
    receiver.answers = [503]
    perform(story("in_review"), Action.PUBLISH, editor)
    webhooks.deliver_due(frozen_now)
    (delivery,) = webhooks.deliver_due(frozen_now + datetime.timedelta(minutes=1))
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 2
    assert delivery.attempt_log.first().error == "Answered 503 Service Unavailable"


def test_an_endpoint_that_does_not_answer_is_logged(endpoint, story, editor, receiver):
    endpoint.url = "http://127.0.0.1:9/nothing-listens-here"
    endpoint.save()
    perform(story("in_review"), Action.PUBLISH, editor)
    (delivery,) = webhooks.deliver_due()
    assert delivery.status == Status.PENDING
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "ConnectionRefusedError" in attempt.error or "URLError" in attempt.error


def test_a_scheduled_story_is_sent_when_it_appears(
    receiver, endpoint, story, editor, frozen_now, time_machine
):
    coming = story("in_review")
    at = frozen_now + datetime.timedelta(hours=3)
    perform(coming, Action.SCHEDULE, editor, publish_at=at)
    assert webhooks.deliver_due() == []
    time_machine.move_to(at + datetime.timedelta(seconds=1), tick=False)
    (delivery,) = webhooks.deliver_due()
    assert delivery.status == Status.DELIVERED
    (call,) = receiver.received
    assert call["headers"]["X-Newsroom-Event"] == "story.published"
    assert (
        assert_ninjs(verified(call, endpoint.secret)["story"])["pubstatus"] == "usable"
    )


def test_a_schedule_cancelled_before_its_time_is_not_sent(
    receiver, endpoint, story, editor, frozen_now, time_machine
):
    coming = story("in_review")
    at = frozen_now + datetime.timedelta(hours=3)
    perform(coming, Action.SCHEDULE, editor, publish_at=at)
    perform(coming, Action.REQUEST_CHANGES, editor, comment="Hold it")
    time_machine.move_to(at + datetime.timedelta(seconds=1), tick=False)
    (delivery,) = webhooks.deliver_due()
    assert delivery.status == Status.SKIPPED
    assert delivery.note == "The story is no longer public."
    assert receiver.received == []


def test_only_active_endpoints_are_told(receiver, endpoint, story, editor):
    WebhookEndpoint.objects.create(name="Old partner", url=receiver.url, active=False)
    perform(story("in_review"), Action.PUBLISH, editor)
    assert WebhookDelivery.objects.get().endpoint == endpoint


def test_the_worker_command(receiver, endpoint, story, editor):
    perform(story("in_review"), Action.PUBLISH, editor)
    out = io.StringIO()
    call_command("deliver_webhooks", "--dry-run", stdout=out)
    assert "1 due; nothing sent" in out.getvalue()
    assert receiver.received == []
    out = io.StringIO()
    call_command("deliver_webhooks", "--once", stdout=out)
    assert "Delivered: Story published to Autowire" in out.getvalue()
    assert "1 deliveries handled." in out.getvalue()
    assert len(receiver.received) == 1


def test_the_delivery_log_in_the_admin(
    client, superuser, receiver, endpoint, story, editor
):
    receiver.answers = [500]
    perform(story("in_review"), Action.PUBLISH, editor)
    (delivery,) = webhooks.deliver_due()
    client.force_login(superuser)
    page = client.get(reverse("admin:api_webhookdelivery_changelist"))
    assert page.status_code == 200
    assert "Story published" in page.content.decode()
    detail = client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk]))
    assert "Answered 500" in detail.content.decode()
    client.post(
        reverse("admin:api_webhookdelivery_changelist"),
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    (delivery,) = webhooks.deliver_due(timezone.now() + datetime.timedelta(seconds=1))
    assert delivery.status == Status.DELIVERED
