"""Tomorrow's budget for the demo newsroom: a morning of follow-ups to the
BMW and Great Wall story, so that the calendar shows a planned day after
`make run`.

``load_demo`` calls ``plan_tomorrow`` with itself, once its sections,
entities, accounts and stories exist. Items are found again by slug line and
day: a second run the same day adds nothing; a run on a later day plans that
day's tomorrow, and earlier days stay as the desk left them.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from budget.models import BudgetChange, BudgetItem


@dataclass(frozen=True)
class PlannedItem:
    slug_line: str
    section: str
    time: datetime.time | None
    priority: int
    status: str
    assignees: tuple[str, ...]  # usernames
    entities: tuple[str, ...]  # entity slugs
    notes: str
    created_by: str = "editor"
    story: str = ""  # the slug of a demo story the item became


P = BudgetItem.Priority
S = BudgetItem.Status

TOMORROW = [
    PlannedItem(
        "GWM-MINI-JV-TERMS",
        "automotive",
        datetime.time(7, 0),
        P.LEAD,
        S.ASSIGNED,
        ("journalist",),
        ("great-wall-motor", "bmw-group", "mini"),
        "What a 50:50 joint venture with Great Wall would build, where, and "
        "from when: the terms both sides have signalled so far, and what is "
        "still open. Graphic of the two plants.",
    ),
    PlannedItem(
        "MINI-UK-PLANTS",
        "automotive",
        datetime.time(9, 30),
        P.HIGH,
        S.FILED,
        ("journalist",),
        ("mini", "bmw-group"),
        "Why electric MINIs from China need not mean fewer from Oxford: filed, "
        "with the desk for review.",
        story="mini-uk-plants-china-plans",
    ),
    PlannedItem(
        "BRILLIANCE-STAKE",
        "business",
        datetime.time(11, 0),
        P.NORMAL,
        S.IN_PROGRESS,
        ("editor",),
        ("bmw-group", "brilliance-auto", "bmw-brilliance-automotive"),
        "Explainer: BMW's route to a majority of its Shenyang joint venture, "
        "and what it pays for it. 600 words.",
    ),
    PlannedItem(
        "KRUEGER-PROFILE",
        "business",
        None,
        P.NORMAL,
        S.IDEA,
        (),
        ("harald-krueger", "bmw-group"),
        "Pitch: Harald Krueger's four years at the top of BMW, told through "
        "the China deals. Could run at the weekend.",
        created_by="journalist",
    ),
    PlannedItem(
        "BATTERY-SUPPLY",
        "technology",
        datetime.time(14, 0),
        P.LOW,
        S.IDEA,
        (),
        ("bmw-group",),
        "Where the cells for the Chinese-built MINIs would come from. Needs a "
        "supplier source before it is assigned.",
    ),
]


def plan_tomorrow(loader) -> None:
    """Plan tomorrow's demo budget with ``loader``, the load_demo command
    (its sections, entities, stories and counting)."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    users = {user.username: user for user in get_user_model().objects.all()}
    for spec in TOMORROW:
        story = loader.stories.get(spec.story) if spec.story else None
        if story is not None and BudgetItem.objects.filter(story=story).exists():
            story = None  # planned on an earlier day already
        item, created = loader.sync(
            "Budget items",
            BudgetItem,
            {"slug_line": spec.slug_line, "planned_date": day},
            {
                "section": loader.sections[spec.section],
                "planned_time": spec.time,
                "priority": spec.priority,
                "status": spec.status,
                "notes": spec.notes,
                "story": story,
                "created_by": users.get(spec.created_by),
            },
            return_created=True,
        )
        if not created:
            continue
        item.assignees.set([users[name] for name in spec.assignees if name in users])
        item.entities.set(
            [loader.entities[slug] for slug in spec.entities if slug in loader.entities]
        )
        BudgetChange.objects.create(
            item=item,
            user=item.created_by,
            kind=BudgetChange.Kind.PITCHED
            if spec.created_by == "journalist"
            else BudgetChange.Kind.PLANNED,
            after=item.slot_label,
            comment="Demo budget",
        )
