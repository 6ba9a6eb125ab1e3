"""The workflow's audit log: every step, who took it and when; read only."""

from django.contrib import admin

from articles.models import (
    Transition,
)
from articles.workflow import (
    Action,
)


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit log: every workflow step, filterable, read-only."""

    list_display = [
        "created_at",
        "article",
        "action_label",
        "from_status",
        "to_status",
        "user",
        "comment",
    ]
    list_filter = ["action", "to_status", "user", "created_at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__headline", "comment"]
    date_hierarchy = "created_at"

    @admin.display(description="Action", ordering="action")
    def action_label(self, transition):
        return dict(Action.choices).get(transition.action, transition.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
