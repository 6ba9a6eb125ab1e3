"""The journalist's budget assignments on the desk's home (articles.admin.home):
what is planned for them, soonest first, one click to the story or the
item, in one query."""

from django.db.models import Count, Window
from django.urls import reverse

from articles.admin.home import ROWS, Panel, Row, register_home_panel
from budget.models import BudgetItem


def assignments_panel(request, now) -> Panel | None:
    if not request.user.has_perm("budget.view_budgetitem"):
        return None
    items = list(
        BudgetItem.objects.assigned_to(request.user)
        .still_open()
        .select_related("section", "story")
        .annotate(total_rows=Window(Count("pk")))
        .order_by("planned_date", "planned_time", "priority", "pk")[:ROWS]
    )
    return Panel(
        key="assignments",
        title="Your budget assignments",
        count=items[0].total_rows if items else 0,
        url=reverse("admin:budget_budgetitem_changelist") + "?mine=1&state=open",
        rows=[
            Row(
                title=item.slug_line,
                url=reverse("admin:articles_article_change", args=[item.story_id])
                if item.story_id
                else reverse("admin:budget_budgetitem_change", args=[item.pk]),
                details=[item.slot_label, item.state_label],
            )
            for item in items
        ],
        empty="Nothing on the budget is yours yet.",
    )


def register() -> None:
    register_home_panel("journalist", assignments_panel)
