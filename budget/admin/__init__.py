"""The story budget in the admin: the items' list and form as configuration;
the calendar, the printed budget and the item's steps (move, spike, start
the story) are views of their own in this package."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from budget import planning
from budget.admin import calendar, steps
from budget.forms import BudgetItemForm
from budget.models import BudgetChange, BudgetItem
from newsroom.admin import AuditLogAdminMixin
from newsroom.text import display_name


class AssignedToMeFilter(admin.SimpleListFilter):
    """A journalist's list: what they have been given."""

    title = "assigned to"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "Me")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.assigned_to(request.user)
        return queryset


class StateFilter(admin.SimpleListFilter):
    """The budget status, or what the story's workflow state amounts to."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Still to do"), *BudgetItem.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.still_open()
        if value in BudgetItem.Status.values:
            return queryset.with_state().filter(budget_state=value)
        return queryset


@admin.register(BudgetItem)
class BudgetItemAdmin(admin.ModelAdmin):
    form = BudgetItemForm
    change_form_template = "admin/budget/budgetitem/change_form.html"
    change_list_template = "admin/budget/budgetitem/change_list.html"
    list_display = [
        "slug_line",
        "slot",
        "section",
        "priority",
        "people",
        "state",
    ]
    list_filter = [AssignedToMeFilter, StateFilter, "section", "planned_date"]
    list_select_related = ["section", "story"]
    search_fields = ["slug_line", "notes"]
    autocomplete_fields = ["entities"]
    date_hierarchy = "planned_date"
    show_facets = admin.ShowFacets.NEVER
    ordering = ["planned_date", "planned_time", "priority", "pk"]
    view_on_site = False  # an item has no public page
    readonly_fields = ["state", "story_link", "added_by", "created_at"]

    # Journalists pitch: a new idea, for an editor to take up.
    PITCH_FIELDS = [
        "slug_line",
        "section",
        "planned_date",
        "planned_time",
        "notes",
        "entities",
    ]

    def get_fieldsets(self, request, obj=None):
        planner = planning.is_planner(request.user)
        plan = ["slug_line", "section", ("planned_date", "planned_time")]
        people = []
        if planner:
            # Once the story exists, its workflow state is the item's.
            has_story = obj is not None and obj.story_id is not None
            people = (
                ["priority", "assignees"]
                if has_story
                else [
                    "priority",
                    "status",
                    "assignees",
                ]
            )
        story = ["state", "story_link", "added_by", "created_at"] if obj else []
        if obj is not None and self.has_change_permission(request, obj):
            plan.append("base_version")
        return [
            (None, {"fields": plan}),
            ("Who and how", {"fields": [*people, "notes", "entities"]}),
            *([("Story", {"fields": story})] if story else []),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not planning.is_planner(request.user):
            kwargs["fields"] = [*self.PITCH_FIELDS, "base_version"]
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("planned_date", calendar.tomorrow())
        return initial

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "assignees",
                    queryset=get_user_model().objects.order_by(
                        "first_name", "last_name", "pk"
                    ),
                )
            )
        )

    # Permissions: the rules live in budget.planning.

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return planning.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return planning.is_planner(request.user) and super().has_delete_permission(
            request, obj
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # The log goes with its item (CASCADE); it has no delete page of its own.
        perms_needed.discard(BudgetChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    # Columns

    @admin.display(description="Slot", ordering="planned_date")
    def slot(self, item):
        return item.slot_label

    @admin.display(description="Assigned to")
    def people(self, item):
        return ", ".join(display_name(user) for user in item.assignees.all()) or "—"

    @admin.display(description="State")
    def state(self, item):
        return item.state_label

    @admin.display(description="Added by")
    def added_by(self, item):
        # A name, not a link to the account: staff may not open accounts.
        user = item.created_by
        return display_name(user) if user else "—"

    @admin.display(description="Story")
    def story_link(self, item):
        if item.story_id is None:
            return "Not started yet."
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:articles_article_change", args=[item.story_id]),
            item.story.headline,
            item.state_label,
        )

    # Saving: every change to a slot, the people or the status is logged and
    # mailed after commit (budget.planning.record_changes).

    def save_model(self, request, obj, form, change):
        if change:
            locked = BudgetItem.objects.select_for_update(of=("self",)).get(pk=obj.pk)
            if locked.version != form.cleaned_data.get("base_version"):
                raise planning.PlanningError(
                    "Someone changed this item while you saved it: nothing was "
                    "saved. Open it again and make your change once more."
                )
            request.budget_plan_before = planning.Plan.of(locked)
            obj.version = locked.version + 1
        else:
            obj.created_by = request.user
            request.budget_plan_before = None
            if not planning.is_planner(request.user):
                obj.status = BudgetItem.Status.IDEA
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        planning.record_changes(form.instance, request.budget_plan_before, request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except planning.PlanningError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    def response_add(self, request, obj, post_url_continue=None):
        if self._back_to_calendar(request):
            self.message_user(request, f"“{obj}” is on the budget.", messages.SUCCESS)
            return redirect(calendar.day_url(obj.planned_date))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._back_to_calendar(request):
            self.message_user(request, f"“{obj}” was saved.", messages.SUCCESS)
            return redirect(calendar.day_url(obj.slot_date))
        return super().response_change(request, obj)

    def _back_to_calendar(self, request):
        # "Save" goes back to the day on the calendar; the other buttons
        # (save and continue, save and add another) do what they say.
        return not ({"_continue", "_addanother", "_saveasnew"} & set(request.POST))

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        user = request.user
        if obj is not None:
            context.update(
                {
                    "changes": obj.changes.select_related("user")[:50],
                    "can_move": planning.move_refusal(user, obj) is None,
                    "can_spike": planning.spike_refusal(user, obj) is None,
                    "can_start_story": planning.story_refusal(user, obj) is None,
                }
            )
        context["calendar_url"] = calendar.day_url(
            obj.slot_date if obj else calendar.tomorrow()
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "calendar/",
                view(calendar.CalendarView.as_view(model_admin=self)),
                name="budget_budgetitem_calendar",
            ),
            path(
                "calendar/print/",
                view(calendar.PrintView.as_view(model_admin=self)),
                name="budget_budgetitem_print",
            ),
            path(
                "<path:object_id>/move/",
                view(steps.MoveView.as_view(model_admin=self)),
                name="budget_budgetitem_move",
            ),
            path(
                "<path:object_id>/spike/",
                view(steps.SpikeView.as_view(model_admin=self)),
                name="budget_budgetitem_spike",
            ),
            path(
                "<path:object_id>/start-story/",
                view(steps.StartStoryView.as_view(model_admin=self)),
                name="budget_budgetitem_start_story",
            ),
            *super().get_urls(),
        ]


@admin.register(BudgetChange)
class BudgetChangeAdmin(AuditLogAdminMixin, admin.ModelAdmin):
    """The budget's audit log: every slot, assignment and status change."""

    list_display = ["created_at", "item", "kind", "before", "after", "user", "comment"]
    list_filter = ["kind", "user", "created_at"]
    list_select_related = ["item", "user"]
    search_fields = ["item__slug_line", "before", "after", "comment"]
    date_hierarchy = "created_at"
    show_facets = admin.ShowFacets.NEVER
