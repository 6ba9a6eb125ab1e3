"""Partners' API keys, and the webhooks that tell partners' systems when a
story is published, corrected or withdrawn.

A key is shown once, when it is made, and only its SHA-256 is kept: a
stolen database gives no one a working key. (A key is 192 random bits, so
a fast hash is as good as a slow one here: there is no dictionary to try.)

A webhook delivery is a row, queued in the transaction of the workflow step
that caused it, so that it exists exactly when the step committed; the
``deliver_webhooks`` worker sends it outside any request, retries it with
backoff, and each try is kept as an attempt: the delivery log in the admin.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

KEY_PREFIX = "nrk"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def from_key(self, key: str):
        """The active or revoked key ``key`` is, or None."""
        try:
            prefix, public_id, _secret = key.split("_", 2)
        except ValueError:
            return None
        if prefix != KEY_PREFIX:
            return None
        api_key = self.filter(public_id=public_id).first()
        if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_key(key)):
            return None
        return api_key


class ApiKey(models.Model):
    """A partner's key to the read API: identifies them and gives them
    their own rate limit. Revoked, it stops working at once."""

    name = models.CharField(
        max_length=200, help_text="Who the key is for: the partner and the app."
    )
    contact = models.EmailField(
        blank=True, help_text="Whom to tell when the key is about to be revoked."
    )
    public_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        default=600,
        validators=[MinValueValidator(1)],
        help_text="Requests this key may make in a minute before it is answered 429.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1), name="apikey_rate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({KEY_PREFIX}_{self.public_id}_…)"

    def issue(self) -> str:
        """Give this key a new secret and return it: the only time anyone
        sees it. The caller saves the key."""
        self.public_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}_{self.public_id}_{secrets.token_hex(24)}"
        self.key_hash = hash_key(key)
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """A partner's address that is told about stories as they change."""

    class Event(models.TextChoices):
        PUBLISHED = "story.published", "Story published"
        CORRECTED = "story.corrected", "Story corrected"
        WITHDRAWN = "story.withdrawn", "Story withdrawn"

    name = models.CharField(max_length=200, help_text="Whose endpoint this is.")
    url = models.URLField(
        "URL", max_length=500, help_text="Receives a signed POST for each event."
    )
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Signs every delivery (HMAC-SHA256); give it to the partner.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint: queued, then sent until it is answered
    2xx or its tries run out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(
        default=timezone.now, help_text="Not sent before this time."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The worker's question: what is due now?
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} to {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try at a delivery, and what the endpoint answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"{self.delivery} at {self.attempted_at:%d %b %H:%M:%S}"
