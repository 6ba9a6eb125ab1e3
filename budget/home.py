"""The story budget on the desk's home (articles.admin.home), for
journalists and editors: the person's assignments, soonest first, one click
to the story or the item, in one query; and the calendar's days."""

import datetime

from django.urls import reverse
from django.utils import timezone

from articles.admin.home import Panel, Row, panel, register_home_panel
from budget.admin.calendar import day_url
from budget.models import BudgetItem


def assignments_panel(request, now) -> Panel | None:
    if not request.user.has_perm("budget.view_budgetitem"):
        return None
    return panel(
        "assignments",
        "Your budget assignments",
        BudgetItem.objects.assigned_to(request.user)
        .still_open()
        .select_related("section", "story")
        .order_by("planned_date", "planned_time", "priority", "pk"),
        reverse("admin:budget_budgetitem_changelist") + "?mine=1&state=open",
        lambda item: Row(
            title=item.slug_line,
            url=reverse("admin:articles_article_change", args=[item.story_id])
            if item.story_id
            else reverse("admin:budget_budgetitem_change", args=[item.pk]),
            details=[item.slot_label, item.state_label],
        ),
        "Nothing on the budget is yours yet.",
        links=calendar_links(request.user),
    )


def calendar_links(user) -> list[tuple[str, str]]:
    """Today, tomorrow and the week in the calendar, and a new item: an
    editor's to plan, a journalist's to pitch."""
    today = timezone.localdate()
    links = [
        ("Today", day_url(today, "day")),
        ("Tomorrow", day_url(today + datetime.timedelta(days=1), "day")),
        ("This week", day_url(today, "week")),
    ]
    if user.has_perm("budget.add_budgetitem"):
        label = (
            "Add an item"
            if user.has_perm("budget.plan_budgetitem")
            else "Pitch an idea"
        )
        links.append((label, reverse("admin:budget_budgetitem_add")))
    return links


def register() -> None:
    for role in ("journalist", "editor"):
        register_home_panel(role, assignments_panel)
