import datetime

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from budget.admin.calendar import day_url
from budget.models import BudgetItem

register = template.Library()


@register.simple_tag
def my_assignments(user, limit=8):
    """The person's open assignments, soonest first, with their stories."""
    return list(
        BudgetItem.objects.assigned_to(user)
        .still_open()
        .select_related("section", "story")
        .prefetch_related(
            Prefetch(
                "assignees",
                queryset=get_user_model().objects.order_by("first_name", "last_name"),
            )
        )
        .order_by("planned_date", "planned_time", "priority", "pk")[:limit]
    )


@register.simple_tag
def budget_calendar_url(days_ahead=0, view="day"):
    """The calendar's address for the day ``days_ahead`` of today."""
    return day_url(timezone.localdate() + datetime.timedelta(days=days_ahead), view)
