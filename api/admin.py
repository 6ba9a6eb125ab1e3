"""API keys and webhooks in the admin: keys are made and revoked here (the
key is shown once, on the page that follows its creation), endpoints are
listed with their secret, and every delivery with each try is the log."""

import json

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from api.models import ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from newsroom.admin import AuditLogAdminMixin


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key_start",
        "requests_per_minute",
        "created_at",
        "last_used_at",
        "state",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "public_id"]
    fields = ["name", "contact", "requests_per_minute"]
    readonly_fields = ["key_start", "created_at", "created_by", "last_used_at"]
    actions = ["revoke"]

    @admin.display(description="Key")
    def key_start(self, api_key):
        return f"nrk_{api_key.public_id}_…" if api_key.public_id else "—"

    @admin.display(description="State")
    def state(self, api_key):
        if api_key.revoked_at:
            return f"Revoked {api_key.revoked_at:%d %b %Y}"
        return "Active"

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, *self.readonly_fields, "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "revoked_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            request._issued_api_key = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: only its hash is kept."""
        response = TemplateResponse(
            request,
            "admin/api/apikey/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "api_key": obj,
                "key": request._issued_api_key,
                "title": "Copy the new API key now",
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(
            request,
            f"{revoked} key{'s' if revoked != 1 else ''} revoked: "
            "they are refused from now on.",
            messages.SUCCESS,
        )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "secret", "active"]


class WebhookAttemptInline(AuditLogAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ["attempted_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "article",
        "status",
        "attempts",
        "due_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint", "article"]
    search_fields = ["article__headline", "endpoint__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "endpoint",
        "event",
        "article",
        "status",
        "created_at",
        "due_at",
        "attempts",
        "delivered_at",
        "note",
        "sent_payload",
    ]
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["retry_now"]

    class Media:
        css = {"all": ["css/api-admin.css"]}

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The log is read, never edited: the retry is an action of the list.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Payload")
    def sent_payload(self, delivery):
        return format_html(
            '<pre class="webhook-payload">{}</pre>',
            json.dumps(delivery.payload, indent=2, ensure_ascii=False),
        )

    @admin.action(
        description="Send the selected deliveries again", permissions=["change"]
    )
    def retry_now(self, request, queryset):
        retried = queryset.exclude(status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.PENDING, due_at=timezone.now(), note=""
        )
        retried += queryset.filter(status=WebhookDelivery.Status.PENDING).update(
            due_at=timezone.now()
        )
        self.message_user(
            request,
            f"{retried} deliver{'ies' if retried != 1 else 'y'} queued: "
            "the webhook worker sends them at its next round.",
            messages.SUCCESS,
        )
