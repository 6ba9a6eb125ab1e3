"""The demo newsroom comes with tomorrow's budget."""

import io

import pytest
from django.core.management import call_command

from budget.models import BudgetChange, BudgetItem
from demo.management.commands import load_demo
from tests.budget.conftest import TOMORROW
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def small_pictures(monkeypatch):
    monkeypatch.setattr(load_demo, "render_lead_image", lambda spec: jpeg_bytes())


def test_the_demo_plans_tomorrow(frozen_now):
    output = run()
    assert "Budget items           5 created" in output
    items = {item.slug_line: item for item in BudgetItem.objects.all()}
    assert {item.planned_date for item in items.values()} == {TOMORROW}
    lead = items["GWM-MINI-JV-TERMS"]
    assert [user.username for user in lead.assignees.all()] == ["journalist"]
    assert {entity.slug for entity in lead.entities.all()} == {
        "great-wall-motor",
        "bmw-group",
        "mini",
    }
    # The demo's story in review is on the budget, and shows its real state.
    assert items["MINI-UK-PLANTS"].state_label == "In review"
    assert items["KRUEGER-PROFILE"].created_by.username == "journalist"
    assert BudgetChange.objects.count() == 5


def test_a_second_run_the_same_day_plans_nothing_more(frozen_now):
    run()
    output = run()
    assert BudgetItem.objects.count() == 5
    assert "Budget items           5 already present" in output


def test_a_run_the_next_day_plans_that_day_s_tomorrow(frozen_now, time_machine):
    run()
    time_machine.shift(24 * 60 * 60)
    run()
    assert BudgetItem.objects.filter(planned_date=TOMORROW).count() == 5
    later = BudgetItem.objects.exclude(planned_date=TOMORROW)
    assert later.count() == 5
    # A story is on one day's budget only.
    assert later.get(slug_line="MINI-UK-PLANTS").story is None
