"""The calendar and the printed budget: what is in which slot, the filters,
bad query strings, and a query count that does not grow with the budget."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Section
from budget import planning
from budget.calendar import budget_days, week_of
from budget.models import BudgetItem
from tests.budget.conftest import TOMORROW
from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BudgetItemFactory,
    CompanyFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
Status = BudgetItem.Status

CALENDAR = reverse("admin:budget_budgetitem_calendar")
PRINT = reverse("admin:budget_budgetitem_print")


def at(hour, minute=0, day=TOMORROW):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute))
    )


@pytest.fixture
def planned_day(frozen_now, users):
    """Tomorrow: an idea for any time, an assignment at 07:00, an item whose
    story is scheduled for 09:30, a story no item plans at 16:00, a spiked
    item; and an item for the day after."""
    automotive = SectionFactory(name="Automotive", slug="automotive", order=1)
    business = SectionFactory(name="Business", slug="business", order=2)
    return {
        "idea": BudgetItemFactory(slug_line="KRUEGER-PROFILE", section=business),
        "assigned": BudgetItemFactory(
            slug_line="GWM-TALKS",
            section=automotive,
            planned_time=datetime.time(7, 0),
            status=Status.ASSIGNED,
            assignees=[users["author"]],
            priority=BudgetItem.Priority.LEAD,
            notes="What a joint venture would build.",
            entities=[CompanyFactory(name="Great Wall Motor")],
        ),
        "scheduled": BudgetItemFactory(
            slug_line="MINI-PLANTS",
            section=automotive,
            planned_time=datetime.time(8, 0),
            story=ArticleFactory(
                status="published", published_at=at(9, 30), section=automotive
            ),
        ),
        "unplanned": ArticleFactory(
            headline="Brilliance results are out",
            status="published",
            published_at=at(16, 0),
            section=business,
            authors=[AuthorFactory(name="Tomas Wexford")],
        ),
        "spiked": BudgetItemFactory(slug_line="DEAD-END", status=Status.SPIKED),
        "later": BudgetItemFactory(
            slug_line="NEXT-WEEK", planned_date=TOMORROW + datetime.timedelta(days=1)
        ),
    }


def slots_of(day):
    return {
        slot.label: [entry.title for entry in slot.entries]
        for slot in day.slots
        if slot.entries
    }


def test_a_day_puts_items_and_stories_in_their_hours(planned_day):
    (day,) = budget_days([TOMORROW])
    assert slots_of(day) == {
        "Any time": ["KRUEGER-PROFILE"],
        "07:00": ["GWM-TALKS"],
        "09:00": ["MINI-PLANTS"],
        "16:00": ["Brilliance results are out"],
    }
    entries = {entry.title: entry for entry in day.entries}
    assert entries["MINI-PLANTS"].state_label == "Scheduled for 09:30"
    assert entries["MINI-PLANTS"].time_label == "09:30"
    assert entries["Brilliance results are out"].people == ["Tomas Wexford"]
    assert entries["Brilliance results are out"].kind == "story"
    # Every working hour is a row to drop into, empty or not.
    assert [slot.label for slot in day.slots][:3] == ["Any time", "06:00", "07:00"]


def test_only_what_an_editor_may_move_is_movable(planned_day):
    (day,) = budget_days([TOMORROW], can_move=True)
    movable = {entry.title for entry in day.entries if entry.move_url}
    assert movable == {"KRUEGER-PROFILE", "GWM-TALKS"}
    (day,) = budget_days([TOMORROW], can_move=False)
    assert not any(entry.move_url for entry in day.entries)


def test_the_calendar_offers_a_move_exactly_where_the_move_is_allowed(
    planned_day, users
):
    """One rule (budget.planning.move_refusal) for the calendar's move links
    and the move itself, whatever the item's story."""
    BudgetItemFactory(
        slug_line="WITHDRAWN-STORY",
        planned_date=TOMORROW,
        story=ArticleFactory(withdrawn=True),
    )
    (day,) = budget_days([TOMORROW], can_move=True)
    shown = [entry for entry in day.entries if entry.kind == "item"]
    offered = {entry.url for entry in shown if entry.move_url}
    allowed = {
        entry.url
        for entry in shown
        if planning.move_refusal(users["editor"], item_of(entry)) is None
    }
    assert len(shown) >= 3
    assert offered == allowed


def item_of(entry):
    pk = re.search(r"/budgetitem/(\d+)/", entry.url)[1]
    return BudgetItem.objects.select_related("story").get(pk=pk)


def test_a_week_runs_monday_to_sunday(planned_day):
    days = budget_days(week_of(TOMORROW))
    assert [day.date.strftime("%a %d") for day in days] == [
        "Mon 09",
        "Tue 10",
        "Wed 11",
        "Thu 12",
        "Fri 13",
        "Sat 14",
        "Sun 15",
    ]
    assert [e.title for e in days[3].entries] == ["NEXT-WEEK"]
    assert len(days[2].entries) == 4


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("section=business", {"KRUEGER-PROFILE", "Brilliance results are out"}),
        ("assignee={author}", {"GWM-TALKS"}),
        ("status=idea", {"KRUEGER-PROFILE"}),
        ("status=published", {"MINI-PLANTS", "Brilliance results are out"}),
        ("status=spiked", {"DEAD-END"}),
        ("section=automotive&status=assigned", {"GWM-TALKS"}),
    ],
)
def test_the_filters(planned_day, desk, users, query, titles):
    query = query.format(author=users["author"].pk)
    response = desk("editor").get(f"{CALENDAR}?date={TOMORROW}&{query}")
    (day,) = response.context["days"]
    assert {entry.title for entry in day.entries} == titles
    # The day and view links keep the filters.
    assert response.context["filter_query"]
    assert f"date={TOMORROW + datetime.timedelta(days=1)}&amp;" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        "date=2025-02-31",
        "date=yesterday",
        "view=month",
        "section=no-such-desk",
        "assignee=abc",
        "status=printed",
    ],
)
def test_a_bad_query_string_is_named_and_left_out(frozen_now, desk, query):
    response = desk("editor").get(f"{CALENDAR}?{query}")
    assert response.status_code == 200
    assert response.context["filters"].errors
    html = response.content.decode()
    assert 'class="errornote"' in html
    assert "It is left out." in html
    # What was wrong is left out, and the rest applies: today, day view.
    assert response.context["day"] == frozen_now.date()


def test_the_page_offers_drag_and_drop_and_the_slot_form_to_editors(planned_day, desk):
    html = desk("editor").get(f"{CALENDAR}?date={TOMORROW}").content.decode()
    move = reverse("admin:budget_budgetitem_move", args=[planned_day["assigned"].pk])
    assert f'draggable="true" data-move-url="{move}" data-time="07:00"' in html
    assert 'data-drop-date="2025-06-11" data-drop-time="09:00"' in html
    assert f'href="{move}?next=' in html  # the way without a mouse
    assert '<form id="budget-move" method="post" hidden>' in html
    # The script comes from the site (the CSP allows no inline script).
    assert re.search(r'<script src="/static/js/budget_calendar\.js" defer>', html)
    assert "<script>" not in html


def test_the_printed_budget_goes_desk_by_desk(planned_day, desk):
    response = desk("author").get(f"{PRINT}?date={TOMORROW}")
    html = response.content.decode()
    assert "Wednesday 11 June 2025" in html
    assert html.index("<h2>Automotive</h2>") < html.index("<h2>Business</h2>")
    assert "What a joint venture would build." in html
    assert "Great Wall Motor" in html
    assert "DEAD-END" not in html
    assert 'href="/static/css/budget.css"' in html  # its @media print rules


def grow(n):
    """``n`` more items on tomorrow's budget, each with people, entities and
    a story, and as many stories no item plans."""
    people = list(get_user_model().objects.all()[:2])
    automotive = Section.objects.get(slug="automotive")
    for i in range(n):
        BudgetItemFactory(
            section=automotive,
            status=Status.ASSIGNED,
            planned_time=datetime.time(6 + i % 15, 0),
            assignees=people,
            entities=[CompanyFactory()],
            story=ArticleFactory() if i % 2 else None,
        )
        ArticleFactory(
            status="published",
            published_at=at(6 + i % 15, 30),
            authors=[AuthorFactory()],
        )


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # Session, user, permissions (2), items and their people and
        # entities, the stories and their bylines, the filters' choices (2).
        (f"{CALENDAR}?date=2025-06-11", 11),
        (f"{CALENDAR}?view=week&date=2025-06-11", 11),
        # The section named in the query, and no stories to look for.
        (f"{CALENDAR}?date=2025-06-11&section=automotive&status=assigned", 10),
        # No filter form on paper.
        (f"{PRINT}?date=2025-06-11", 9),
        (reverse("admin:budget_budgetitem_changelist"), 11),
        (reverse("admin:budget_budgetchange_changelist"), 10),
    ],
)
def test_query_budget(frozen_now, desk, users, url, budget):
    SectionFactory(slug="automotive")
    grow(2)
    assert_budget(desk("editor"), url, lambda: grow(20), budget)


def test_the_desk_s_front_page_lists_assignments_in_constant_queries(
    frozen_now, desk, users
):
    def assign(n):
        for _ in range(n):
            BudgetItemFactory(assignees=[users["author"]], status=Status.ASSIGNED)

    assign(2)
    url = reverse("admin:index")
    # The journalist's home (articles.admin.home) and one query for the
    # budget's panel, whatever the number of assignments.
    assert_budget(desk("author"), url, lambda: assign(10), budget=10)


def test_a_day_that_has_gone_takes_no_drops_and_no_new_items(frozen_now, desk):
    yesterday = frozen_now.date() - datetime.timedelta(days=1)
    late = BudgetItemFactory(slug_line="LATE", planned_date=yesterday)
    html = desk("editor").get(f"{CALENDAR}?date={yesterday}").content.decode()
    assert "data-drop-date" not in html
    assert "planned_time=" not in html  # no "+" in its hours
    assert "This day has gone" in html
    # What is on it can still be moved to a day to come.
    assert reverse("admin:budget_budgetitem_move", args=[late.pk]) in html
    week = desk("editor").get(f"{CALENDAR}?view=week&date={yesterday}")
    assert f'data-drop-date="{yesterday}"' not in week.content.decode()
    assert f'data-drop-date="{frozen_now.date()}"' in week.content.decode()
