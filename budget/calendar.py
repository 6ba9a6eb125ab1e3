"""The budget laid out in days and slots: budget items, and the published or
scheduled stories no item plans, where the calendar and the printed budget
show them. A fixed number of queries, whatever the number of items."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from budget import planning
from budget.models import BudgetItem
from newsroom.text import display_name

# The hours the day view always shows, so that there is somewhere to drop an
# item; an item or story outside them adds its own hour.
WORKING_HOURS = range(6, 23)


@dataclass
class Entry:
    """One thing in a slot: a budget item, or a story no item plans."""

    kind: str  # "item" or "story"
    title: str
    time: datetime.time | None
    section: str
    section_order: tuple[int, str]
    people: list[str]
    state: str  # a BudgetItem.Status value, for the colour and the filter
    state_label: str
    url: str
    priority: int = BudgetItem.Priority.NORMAL
    priority_label: str = ""
    notes: str = ""
    entities: list[str] = field(default_factory=list)
    story_url: str = ""
    move_url: str = ""
    item: BudgetItem | None = None

    @property
    def time_label(self) -> str:
        return f"{self.time:%H:%M}" if self.time else "Any time"


@dataclass
class Slot:
    hour: int | None  # None: any time that day
    entries: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "Any time" if self.hour is None else f"{self.hour:02d}:00"

    @property
    def drop_time(self) -> str:
        return "" if self.hour is None else f"{self.hour:02d}:00"


@dataclass
class Day:
    date: datetime.date
    entries: list[Entry] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def is_past(self) -> bool:
        """Gone: nothing is planned into it or moved to it any more."""
        return self.date < timezone.localdate()

    @property
    def slots(self) -> list[Slot]:
        """The day view's rows: any time, then each working hour and any
        other hour that has something in it."""
        hours = sorted(
            set(WORKING_HOURS) | {e.time.hour for e in self.entries if e.time}
        )
        slots = {None: Slot(None), **{hour: Slot(hour) for hour in hours}}
        for entry in self.entries:
            slots[entry.time.hour if entry.time else None].entries.append(entry)
        return list(slots.values())

    def by_section(self) -> list[tuple[str, list[Entry]]]:
        """The printed budget: desk by desk, in the sections' own order."""
        sections: dict[tuple[int, str], list[Entry]] = {}
        for entry in self.entries:
            sections.setdefault(entry.section_order, []).append(entry)
        return [(key[1], sections[key]) for key in sorted(sections)]


def week_of(day: datetime.date) -> list[datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return [monday + datetime.timedelta(days=n) for n in range(7)]


def budget_days(
    days: list[datetime.date],
    *,
    section=None,
    assignee=None,
    status: str = "",
    can_move: bool = False,
) -> list[Day]:
    first, last = days[0], days[-1]
    items = (
        BudgetItem.objects.in_slots(first, last)
        .with_state()
        .select_related("section", "story")
        .prefetch_related(
            Prefetch(
                "assignees",
                queryset=get_user_model().objects.order_by(
                    "first_name", "last_name", "pk"
                ),
            ),
            "entities",
        )
    )
    stories = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED,
            published_at__gte=_start_of(first),
            published_at__lt=_start_of(last + datetime.timedelta(days=1)),
            budget_item__isnull=True,
        )
        .defer("body", "body_text", "search_vector")
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )
    )
    if section is not None:
        items = items.filter(section=section)
        stories = stories.filter(section=section)
    if assignee is not None:
        items = items.filter(assignees=assignee)
        stories = stories.filter(bylines__author__user=assignee)
    if status:
        items = items.filter(budget_state=status)
        if status != BudgetItem.Status.PUBLISHED:
            stories = stories.none()
    else:
        items = items.exclude(budget_state=BudgetItem.Status.SPIKED)

    by_date = {day: Day(day) for day in days}
    for item in items:
        by_date[item.slot_date].entries.append(_item_entry(item, can_move))
    for story in stories:
        when = timezone.localtime(story.published_at)
        by_date[when.date()].entries.append(_story_entry(story, when))
    for day in by_date.values():
        day.entries.sort(
            key=lambda e: (e.time is not None, e.time or datetime.time(), e.priority)
        )
    return list(by_date.values())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _item_entry(item: BudgetItem, can_move: bool) -> Entry:
    movable = can_move and planning.fixed_slot(item) is None
    return Entry(
        kind="item",
        title=item.slug_line,
        time=item.slot_time,
        section=item.section.name,
        section_order=(item.section.order, item.section.name),
        people=[display_name(user) for user in item.assignees.all()],
        state=item.state,
        state_label=item.state_label,
        url=reverse("admin:budget_budgetitem_change", args=[item.pk]),
        priority=item.priority,
        priority_label=item.get_priority_display(),
        notes=item.notes,
        entities=[entity.name for entity in item.entities.all()],
        story_url=reverse("admin:articles_article_change", args=[item.story_id])
        if item.story_id
        else "",
        move_url=reverse("admin:budget_budgetitem_move", args=[item.pk])
        if movable
        else "",
        item=item,
    )


def _story_entry(story: Article, when: datetime.datetime) -> Entry:
    return Entry(
        kind="story",
        title=story.headline,
        time=when.time(),
        section=story.section.name,
        section_order=(story.section.order, story.section.name),
        people=[byline.author.name for byline in story.bylines.all()],
        state=BudgetItem.Status.PUBLISHED,
        state_label=story.state_label(time_only=True),
        url=reverse("admin:articles_article_change", args=[story.pk]),
        story_url=reverse("admin:articles_article_change", args=[story.pk]),
    )
