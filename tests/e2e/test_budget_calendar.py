"""Tomorrow's budget, planned in the calendar: the editor adds an item, drags
others to new slots, prints the day, starts a story and gives it to the
journalist, who finds it among their assignments on a phone. Each step is a
test, run in order; screenshots of the calendar at both widths go to
screenshots/."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import page_checks

pytestmark = [pytest.mark.e2e, pytest.mark.incremental]

# The demo plans tomorrow in newsroom time (TIME_ZONE, Europe/London).
TOMORROW = datetime.datetime.now(ZoneInfo("Europe/London")).date() + datetime.timedelta(
    days=1
)
DAY = f"/admin/budget/budgetitem/calendar/?view=day&date={TOMORROW}"
WEEK = f"/admin/budget/budgetitem/calendar/?view=week&date={TOMORROW}"
NEW_ITEM = "OXFORD-SHIFTS"
PHONE = {"viewport": {"width": 375, "height": 812}}


def entry(page: Page, slug_line: str):
    return page.locator(".budget-entry").filter(
        has=page.get_by_role("link", name=slug_line, exact=True)
    )


def slot(page: Page, time: str):
    return page.locator(f'li.budget-slot[data-drop-time="{time}"]')


def look_at(page: Page, name: str, screenshots) -> None:
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    assert not page_checks.scrolls_sideways(page), f"{name} scrolls sideways"
    assert page_checks.overlapping_text(page) == [], f"{name}: text over text"


def no_problems_on_budget_pages(page_watch) -> None:
    """The admin's console is only reported elsewhere; the budget's pages
    must be clean: no script error, no CSP violation, no failed request."""
    problems = [
        str(problem)
        for problem in page_watch.problems
        if "/admin/budget/" in problem.page_url
    ]
    assert problems == []


def test_editor_opens_tomorrow_from_the_desk_and_adds_an_item(
    sign_in, screenshots, page_watch
):
    page = sign_in("editor")
    page.locator(".desk-panel--assignments").get_by_role(
        "link", name="Tomorrow"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Budget for")
    # The demo's planned day, each item in its hour.
    expect(entry(page, "GWM-MINI-JV-TERMS")).to_be_visible()
    expect(slot(page, "07:00")).to_contain_text("GWM-MINI-JV-TERMS")
    expect(slot(page, "09:00")).to_contain_text("In review")

    # The empty 10:00 row's own "+": the form comes with the day and hour.
    slot(page, "10:00").get_by_role("link", name="Add an item at 10:00").click()
    expect(page.get_by_label("Planned day")).to_have_value(TOMORROW.isoformat())
    expect(page.get_by_label("Planned time")).to_have_value("10:00")
    page.get_by_label("Slug line").fill(NEW_ITEM.lower())
    page.get_by_label("Planned section").select_option(label="Automotive")
    page.get_by_label("Budget line").fill(
        "What a China-built electric MINI means for shifts at Oxford."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text(f"“{NEW_ITEM}” is on the")
    expect(slot(page, "10:00")).to_contain_text(NEW_ITEM)
    look_at(page, "budget-day-1280", screenshots)
    no_problems_on_budget_pages(page_watch)


def test_editor_drags_items_to_new_slots(sign_in, screenshots, page_watch):
    page = sign_in("editor")
    page.goto(DAY)
    with page.expect_navigation():
        entry(page, "GWM-MINI-JV-TERMS").drag_to(slot(page, "08:00"))
    expect(page.locator("ul.messagelist")).to_contain_text("moved to")
    expect(slot(page, "08:00")).to_contain_text("GWM-MINI-JV-TERMS")
    expect(slot(page, "07:00")).not_to_contain_text("GWM-MINI-JV-TERMS")

    # In the week, to the next day, at the same time.
    page.goto(WEEK)
    after = TOMORROW + datetime.timedelta(days=1)
    column = page.locator(f'[data-drop-date="{after}"]')
    if not column.count():  # tomorrow is a Sunday: drag back to Saturday
        after = TOMORROW - datetime.timedelta(days=1)
        column = page.locator(f'[data-drop-date="{after}"]')
    with page.expect_navigation():
        entry(page, "BATTERY-SUPPLY").drag_to(column)
    expect(column).to_contain_text("BATTERY-SUPPLY")
    expect(column).to_contain_text("14:00")
    look_at(page, "budget-week-1280", screenshots)
    no_problems_on_budget_pages(page_watch)


def test_editor_prints_the_budget(sign_in, screenshots, page_watch):
    page = sign_in("editor")
    page.goto(DAY)
    page.get_by_role("link", name="Print the budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{TOMORROW:%A} {TOMORROW.day} {TOMORROW:%B %Y}"
    )
    expect(page.locator(".budget-print__section h2").first).to_have_text("Automotive")
    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.screenshot(path=screenshots / "budget-print.png", full_page=True)
    page.emulate_media(media="screen")
    look_at(page, "budget-print-1280", screenshots)
    no_problems_on_budget_pages(page_watch)


def test_editor_starts_the_story_and_assigns_it(sign_in, page_watch):
    page = sign_in("editor")
    page.goto(DAY)
    entry(page, NEW_ITEM).get_by_role("link", name=NEW_ITEM, exact=True).click()
    page.get_by_role("button", name="Start the story").click()
    expect(page.locator("ul.messagelist")).to_contain_text("is now a draft story")
    expect(page.get_by_label("Headline")).to_have_value(NEW_ITEM)

    page.goto(DAY)
    expect(entry(page, NEW_ITEM)).to_contain_text("Draft")
    entry(page, NEW_ITEM).get_by_role("link", name=NEW_ITEM, exact=True).click()
    # Its status is now the story's own: only the people are left to set.
    expect(page.get_by_label("Planned status")).to_have_count(0)
    page.get_by_label("Clara Ashdown").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(entry(page, NEW_ITEM)).to_contain_text("Clara Ashdown")
    expect(entry(page, NEW_ITEM)).to_contain_text("Draft")
    expect(
        entry(page, NEW_ITEM).get_by_role("link", name="Open the story")
    ).to_be_visible()
    no_problems_on_budget_pages(page_watch)


def test_journalist_finds_the_assignment_on_a_phone(sign_in, screenshots, page_watch):
    page = sign_in("journalist", **PHONE)
    box = page.locator(".desk-panel--assignments")
    expect(box).to_contain_text(NEW_ITEM)
    page.screenshot(path=screenshots / "budget-assignments-375.png", full_page=True)
    box.get_by_role("link", name=NEW_ITEM).click()
    # Straight into the draft, which is theirs to write.
    expect(page.get_by_label("Headline")).to_have_value(NEW_ITEM)
    expect(page.locator(".workflow-buttons")).to_contain_text("Submit for review")

    page.goto(DAY)
    expect(entry(page, NEW_ITEM)).to_contain_text("Clara Ashdown")
    expect(page.locator('.budget-entry[draggable="true"]')).to_have_count(0)
    look_at(page, "budget-day-375", screenshots)
    page.goto(WEEK)
    look_at(page, "budget-week-375", screenshots)
    page.get_by_role("link", name="Print the budget").click()
    look_at(page, "budget-print-375", screenshots)
    no_problems_on_budget_pages(page_watch)


def test_editor_moves_an_item_on_a_phone_without_dragging(
    sign_in, screenshots, page_watch
):
    page = sign_in("editor", **PHONE)
    page.goto(DAY)
    entry(page, "KRUEGER-PROFILE").get_by_role("link", name=re.compile("^Move")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move KRUEGER-PROFILE")
    page.get_by_label("Time").fill("17:15")
    page.get_by_label("Why (optional)").fill("After the results call")
    look_at(page, "budget-move-375", screenshots)
    page.get_by_role("button", name="Move").click()
    expect(page.locator("ul.messagelist")).to_contain_text("17:15")
    expect(slot(page, "17:00")).to_contain_text("KRUEGER-PROFILE")
    no_problems_on_budget_pages(page_watch)
