"""The workflow's audit log: every step, who took it and when; read only."""

from django.contrib import admin

from articles.models import (
    Transition,
)
from articles.workflow import (
    Action,
)
from newsroom.admin import AuditLogAdminMixin


class ActionFilter(admin.SimpleListFilter):
    """The step taken, by its button's label (the column holds the code)."""

    title = "step"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return Action.choices

    def queryset(self, request, queryset):
        if self.value() in Action.values:
            return queryset.filter(action=self.value())
        return queryset


@admin.register(Transition)
class TransitionAdmin(AuditLogAdminMixin, admin.ModelAdmin):
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
    list_filter = [ActionFilter, "to_status", "user", "created_at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__headline", "comment"]
    date_hierarchy = "created_at"

    @admin.display(description="Step", ordering="action")
    def action_label(self, transition):
        return dict(Action.choices).get(transition.action, transition.action)
