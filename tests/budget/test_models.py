"""The budget item's rules: its slug line, its slot and its state, in the
database and in Python alike."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from budget.models import BudgetItem
from entities.merging import merge_entities
from tests.budget.conftest import TOMORROW
from tests.factories import ArticleFactory, BudgetItemFactory, CompanyFactory

pytestmark = pytest.mark.django_db
Status = BudgetItem.Status


def test_a_slug_line_is_kept_in_capitals_and_single_spaces(frozen_now):
    item = BudgetItemFactory(slug_line="  gwm  mini\ttalks ")
    assert item.slug_line == "GWM MINI TALKS"


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"slug_line": ""}, "budgetitem_slug_line_required"),
        ({"status": "printed"}, "budgetitem_status_valid"),
        ({"priority": 9}, "budgetitem_priority_valid"),
        ({"status": "published"}, "budgetitem_published_has_story"),
    ],
)
def test_the_database_refuses_an_item_that_breaks_a_rule(
    frozen_now, fields, constraint
):
    item = BudgetItemFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        # update() skips save(), which would normalise the slug line.
        BudgetItem.objects.filter(pk=item.pk).update(**fields)


STORY_STATES = [
    # (story traits, what the budget shows, what it counts as)
    ({"draft": True}, "Draft", Status.IN_PROGRESS),
    ({"in_review": True}, "In review", Status.FILED),
    ({"published": True}, "Published", Status.PUBLISHED),
    ({"scheduled": True}, "Scheduled for 09:30", Status.PUBLISHED),
    ({"withdrawn": True}, "Withdrawn", Status.SPIKED),
]


@pytest.mark.parametrize(("traits", "label", "state"), STORY_STATES)
def test_once_the_story_exists_the_budget_shows_its_workflow_state(
    frozen_now, traits, label, state
):
    item = BudgetItemFactory(status=Status.IDEA, story=ArticleFactory(**traits))
    assert item.state_label == label
    assert item.state == state
    # The queryset's annotation, which the filters use, agrees.
    assert BudgetItem.objects.with_state().get(pk=item.pk).budget_state == state


def test_before_the_story_the_budget_shows_the_planned_status(frozen_now, users):
    item = BudgetItemFactory(status=Status.ASSIGNED, assignees=[users["author"]])
    assert (item.state_label, item.state) == ("Assigned", Status.ASSIGNED)
    assert BudgetItem.objects.with_state().get().budget_state == Status.ASSIGNED


def test_the_slot_is_the_plan_until_the_story_is_published_or_scheduled(frozen_now):
    item = BudgetItemFactory(
        planned_date=TOMORROW, planned_time=datetime.time(7, 0), story=ArticleFactory()
    )
    assert item.slot_label == "Wed 11 Jun 2025, 07:00"
    # Scheduled for the day after, at 08:15 newsroom time (07:15 UTC).
    item.story.status = "published"
    item.story.published_at = datetime.datetime(2025, 6, 12, 7, 15, tzinfo=datetime.UTC)
    item.story.save()
    assert (item.slot_date, item.slot_time) == (
        datetime.date(2025, 6, 12),
        datetime.time(8, 15),
    )
    assert item.slot_label == "Thu 12 Jun 2025, 08:15"


def test_an_item_without_a_time_is_planned_for_any_time_that_day(frozen_now):
    assert (
        BudgetItemFactory(planned_time=None).slot_label == "Wed 11 Jun 2025, any time"
    )


def test_items_in_slots_follow_the_story_to_its_day(frozen_now):
    planned = BudgetItemFactory(planned_date=TOMORROW)
    later = BudgetItemFactory(planned_date=TOMORROW + datetime.timedelta(days=3))
    # Planned for tomorrow, but its story went out today.
    moved_by_story = BudgetItemFactory(
        planned_date=TOMORROW, story=ArticleFactory(published=True)
    )
    # Planned for today; its story is scheduled for tomorrow at midnight
    # newsroom time (23:00 UTC today).
    midnight = timezone.make_aware(datetime.datetime.combine(TOMORROW, datetime.time()))
    scheduled = BudgetItemFactory(
        planned_date=NOW_DATE,
        story=ArticleFactory(status="published", published_at=midnight),
    )
    assert set(BudgetItem.objects.in_slots(TOMORROW, TOMORROW)) == {planned, scheduled}
    assert set(BudgetItem.objects.in_slots(NOW_DATE, NOW_DATE)) == {moved_by_story}
    assert later not in BudgetItem.objects.in_slots(NOW_DATE, TOMORROW)


NOW_DATE = TOMORROW - datetime.timedelta(days=1)


def test_still_open_leaves_out_published_and_spiked_items(frozen_now, users):
    open_idea = BudgetItemFactory()
    drafting = BudgetItemFactory(story=ArticleFactory())
    BudgetItemFactory(status=Status.SPIKED)
    BudgetItemFactory(story=ArticleFactory(published=True))
    BudgetItemFactory(story=ArticleFactory(withdrawn=True))
    assert set(BudgetItem.objects.still_open()) == {open_idea, drafting}


def test_merging_entities_keeps_the_budget_s_links(frozen_now, editor):
    keep = CompanyFactory(name="BMW Group")
    duplicate = CompanyFactory(name="BMW AG")
    about_duplicate = BudgetItemFactory(entities=[duplicate])
    about_both = BudgetItemFactory(entities=[keep, duplicate])

    moved = merge_entities(keep, duplicate, user=editor)

    assert list(about_duplicate.entities.all()) == [keep.entity_ptr]
    assert list(about_both.entities.all()) == [keep.entity_ptr]
    assert moved["budget items"] == 1
