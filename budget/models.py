"""The story budget: what the desk plans to publish, day by day, before the
stories exist; and the log of every change to a slot, an assignment or a
status."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from newsroom.text import display_name


def describe_slot(date: datetime.date, time: datetime.time | None) -> str:
    """A slot as the desk says it: "Tue 9 Jun 2026, 07:00" or "…, any time"."""
    return f"{date:%a} {date.day} {date:%b %Y}, " + (
        f"{time:%H:%M}" if time else "any time"
    )


def describe_people(users) -> str:
    names = sorted(display_name(user) for user in users)
    return ", ".join(names) or "nobody"


class BudgetItemQuerySet(models.QuerySet):
    def with_state(self):
        """Annotate ``budget_state``: the planned status, or once the story exists,
        the budget status its workflow state amounts to (a draft is in
        progress, a story in review is filed, a published or scheduled one
        is published, a withdrawn one no longer runs: spiked)."""
        return self.annotate(
            budget_state=Case(
                When(story__isnull=True, then=F("status")),
                *(
                    When(story__status=story_status, then=Value(budget_status))
                    for story_status, budget_status in STORY_STATES.items()
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_slots(self, first: datetime.date, last: datetime.date):
        """Items whose slot falls on a day from ``first`` to ``last`` (newsroom
        days): the story's publish time once it is published or scheduled,
        the planned day otherwise."""
        start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
        end = timezone.make_aware(
            datetime.datetime.combine(
                last + datetime.timedelta(days=1), datetime.time()
            )
        )
        placed = Q(story__status=Article.Status.PUBLISHED)
        return self.filter(
            (~placed & Q(planned_date__range=(first, last)))
            | (placed & Q(story__published_at__gte=start, story__published_at__lt=end))
        )

    def assigned_to(self, user):
        return self.filter(assignees=user)

    def still_open(self):
        """Not yet published and not spiked: what someone still has to do."""
        return self.with_state().exclude(
            budget_state__in=[BudgetItem.Status.PUBLISHED, BudgetItem.Status.SPIKED]
        )


class BudgetItem(models.Model):
    """One story the desk plans: its slug line, desk, slot and people."""

    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        FILED = "filed", "Filed"
        PUBLISHED = "published", "Published"
        SPIKED = "spiked", "Spiked"

    class Priority(models.IntegerChoices):
        LEAD = 1, "Lead"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"
        LOW = 4, "Low"

    # Statuses that need someone on the story.
    STAFFED = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.FILED})

    slug_line = models.CharField(
        max_length=60,
        help_text="The desk's short name for the story, e.g. GWM-MINI-TALKS.",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="budget_items",
        verbose_name="planned section",
    )
    planned_date = models.DateField(
        "planned day", help_text="The day it should run, in newsroom time."
    )
    planned_time = models.TimeField(
        "planned time",
        null=True,
        blank=True,
        help_text="Leave empty for any time that day (newsroom time).",
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="budget_assignments",
        blank=True,
        help_text="Who writes it. Their byline goes on the story.",
    )
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        "planned status", max_length=20, choices=Status.choices, default=Status.IDEA
    )
    notes = models.TextField(
        "budget line",
        blank=True,
        help_text="What the story will say, its sources, pictures, length.",
    )
    entities = models.ManyToManyField(
        "entities.Entity",
        related_name="budget_items",
        blank=True,
        verbose_name="companies, people and brands",
    )
    story = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_item",
        help_text="The story this item became; the budget then shows its state.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save, so that a stale form is detected.",
    )

    objects = BudgetItemQuerySet.as_manager()

    class Meta:
        ordering = ["planned_date", F("planned_time").asc(nulls_first=True), "priority"]
        permissions = [
            ("plan_budgetitem", "Can assign, move and spike budget items"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug_line=""), name="budgetitem_slug_line_required"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "idea",
                        "assigned",
                        "in_progress",
                        "filed",
                        "published",
                        "spiked",
                    ]
                ),
                name="budgetitem_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4),
                name="budgetitem_priority_valid",
            ),
            # "Published" is what a story does, not what a plan says.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(story__isnull=False),
                name="budgetitem_published_has_story",
            ),
        ]
        indexes = [
            models.Index(fields=["planned_date", "planned_time"]),
        ]

    def __str__(self):
        return self.slug_line

    def save(self, *args, **kwargs):
        self.slug_line = " ".join(self.slug_line.split()).upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:budget_budgetitem_change", args=[self.pk])

    # The slot: where the calendar shows the item.

    @property
    def is_placed_by_story(self) -> bool:
        """The story is published or scheduled: its publish time is the slot."""
        return (
            self.story is not None
            and self.story.status == Article.Status.PUBLISHED
            and self.story.published_at is not None
        )

    @property
    def slot_date(self) -> datetime.date:
        if self.is_placed_by_story:
            return timezone.localdate(self.story.published_at)
        return self.planned_date

    @property
    def slot_time(self) -> datetime.time | None:
        if self.is_placed_by_story:
            return timezone.localtime(self.story.published_at).time()
        return self.planned_time

    @property
    def slot_label(self) -> str:
        return describe_slot(self.slot_date, self.slot_time)

    # The state: the plan's, until the story exists.

    @property
    def state(self) -> str:
        if self.story is None:
            return self.status
        return STORY_STATES[self.story.status]

    @property
    def state_label(self) -> str:
        """What the budget shows: the story's real workflow state once there
        is a story ("Draft", "In review", "Scheduled for 07:00"…), the
        planned status before."""
        if self.story is None:
            return self.get_status_display()
        return self.story.state_label(time_only=True)


# The budget status a story's workflow state amounts to.
STORY_STATES = {
    Article.Status.DRAFT: BudgetItem.Status.IN_PROGRESS,
    Article.Status.IN_REVIEW: BudgetItem.Status.FILED,
    Article.Status.PUBLISHED: BudgetItem.Status.PUBLISHED,
    Article.Status.WITHDRAWN: BudgetItem.Status.SPIKED,
}


class BudgetChange(models.Model):
    """The budget's audit log: one row per change to an item's slot, its
    assignees or its status, and when it was pitched or became a story."""

    class Kind(models.TextChoices):
        PITCHED = "pitched", "Pitched"
        PLANNED = "planned", "Planned"
        MOVED = "moved", "Slot moved"
        ASSIGNED = "assigned", "Assignment changed"
        STATUS = "status", "Status changed"
        STORY = "story", "Story started"

    item = models.ForeignKey(
        BudgetItem, on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    before = models.CharField(max_length=500, blank=True)
    after = models.CharField(max_length=500, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["item", "-created_at"])]

    def __str__(self):
        return f"{self.item}: {self.get_kind_display()}"
