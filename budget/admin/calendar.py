"""The budget's calendar in the admin (a day, or a week) and the printed
day: "the budget" the desk takes to the morning meeting."""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from budget import planning
from budget.calendar import budget_days, week_of
from budget.forms import CalendarFilterForm
from budget.models import BudgetItem


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def day_url(day: datetime.date, view: str = "day") -> str:
    query = urlencode({"view": view, "date": day.isoformat()})
    return f"{reverse('admin:budget_budgetitem_calendar')}?{query}"


class BudgetView(View):
    model_admin = None
    template_name = ""

    def get(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        filters = CalendarFilterForm(request.GET or None)
        day = filters.day
        mode = self.mode(filters)
        days = week_of(day) if mode == "week" else [day]
        user = request.user
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": BudgetItem._meta,
            "filters": filters,
            "mode": mode,
            "day": day,
            "days": budget_days(
                days,
                section=filters.value("section"),
                assignee=filters.value("assignee"),
                status=filters.value("status", ""),
                can_move=planning.is_planner(user),
            ),
            "title": self.title(mode, days),
            "can_plan": planning.is_planner(user),
            "can_add": self.model_admin.has_add_permission(request),
            "filter_query": self.filter_query(filters),
            **self.navigation(mode, day),
        }
        return TemplateResponse(request, self.template_name, context)

    def mode(self, filters):
        return filters.mode

    def title(self, mode, days):
        if mode == "week":
            first = days[0]
            return f"Budget: week of Monday {first.day} {first:%B %Y}"
        day = days[0]
        return f"Budget for {day:%A} {day.day} {day:%B %Y}"

    def filter_query(self, filters) -> str:
        """The filters alone, to carry over to other days and views."""
        if not filters.is_bound:
            return ""
        kept = {
            name: filters.data[name]
            for name in ("section", "assignee", "status")
            if filters.data.get(name) and name not in filters.errors
        }
        return urlencode(kept)

    def navigation(self, mode, day):
        step = datetime.timedelta(days=7 if mode == "week" else 1)
        return {
            "previous_day": day - step,
            "next_day": day + step,
            "today": timezone.localdate(),
            "tomorrow": tomorrow(),
        }


class CalendarView(BudgetView):
    template_name = "admin/budget/budgetitem/calendar.html"


class PrintView(BudgetView):
    """One day, desk by desk, for paper."""

    template_name = "admin/budget/budgetitem/print.html"

    def mode(self, filters):
        return "day"

    def title(self, mode, days):
        day = days[0]
        return f"The budget: {day:%A} {day.day} {day:%B %Y}"
