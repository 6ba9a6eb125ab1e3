"""The desk's home at /admin/, as a journalist and an editor see it on a
phone and on a desk; a submitted story pulled back; a focal point clicked."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import desk
from tests.e2e.page_checks import load_axe, overlapping_text, scrolls_sideways

pytestmark = [pytest.mark.e2e, pytest.mark.incremental]

HEADLINE = "MINI's Oxford plant keeps its night shift"
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}

# axe-core on the home's own content (Django's chrome is Django's).
AXE_ON_HOME = """
async () => {
  const results = await axe.run(document.querySelector(".desk-home"),
                                {resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
}
"""


def panel(page: Page, key: str):
    return page.locator(f'[data-panel="{key}"]')


def look_at_home(page: Page, name: str, screenshots) -> None:
    """The home fits the width, no text sits on other text, axe finds
    nothing serious, and a full-page screenshot is kept."""
    page.goto("/admin/")
    expect(page.locator(".desk-home")).to_be_visible()
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert overlapping_text(page) == [], name
    assert page.evaluate(AXE_ON_HOME) == [], name
    width = page.viewport_size["width"]
    page.screenshot(path=screenshots / f"desk-home-{name}-{width}.png", full_page=True)


def test_a_journalist_writes_submits_and_pulls_back(sign_in, screenshots):
    page = sign_in("journalist")
    page.get_by_role("link", name="Write a story").click()
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill("Demand for the electric MINI holds up.")
    desk.body_editor(page).click()
    page.keyboard.type("The plant in Oxford keeps three shifts through the winter.")
    page.get_by_label("Section").select_option(label="Automotive")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(desk.saved_message(page)).to_contain_text("was added successfully")
    desk.press_workflow(page, "Submit for review")
    expect(desk.story_status(page)).to_have_text("In review")

    # Home: the story waits for review, one click from the home.
    page.goto("/admin/")
    waiting = panel(page, "in-review")
    expect(waiting.get_by_role("link", name=HEADLINE)).to_be_visible()
    waiting.get_by_role("link", name=HEADLINE).click()

    # Second thoughts: pulled back before an editor acts on it.
    expect(page.locator(".story-state")).to_contain_text("waiting for an editor")
    page.screenshot(path=screenshots / "desk-pull-back-offered.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Pull back to draft").click()
    expect(desk.story_status(page)).to_have_text("Draft")
    expect(desk.saved_message(page)).to_contain_text("is a draft again")
    assert desk.workflow_buttons(page) == ["Submit for review"]
    expect(page.locator(".story-audit")).to_contain_text("In review → Draft")
    page.screenshot(path=screenshots / "desk-pulled-back.png", full_page=True)

    page.goto("/admin/")
    expect(panel(page, "drafts").get_by_role("link", name=HEADLINE)).to_be_visible()
    expect(panel(page, "in-review").get_by_role("link", name=HEADLINE)).to_have_count(0)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["375", "1280"])
def test_the_journalists_home(sign_in, screenshots, viewport):
    page = sign_in("journalist", viewport=viewport)
    load_axe(page.context)

    look_at_home(page, "journalist", screenshots)

    write = page.get_by_role("link", name="Write a story")
    expect(write).to_be_in_viewport()
    headings = page.locator(".desk-panel__title").all_inner_texts()
    assert [re.sub(r"\s+\d+$", "", text.strip()) for text in headings] == [
        "Sent back to you",
        "Your drafts",
        "Waiting for review",
        "Scheduled",
        "Published this week",
        "Your budget assignments",  # the story budget's panel (budget.home)
    ]
    drafts = panel(page, "drafts")
    expect(drafts.locator(".desk-panel__count")).not_to_have_text("0")
    expect(drafts.get_by_role("link", name=HEADLINE)).to_be_visible()
    # The panel's title opens the list of exactly those stories.
    drafts.locator(".desk-panel__title a").click()
    expect(page).to_have_url(re.compile(r"mine=1"))
    expect(page.locator("#result_list")).to_contain_text(HEADLINE)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["375", "1280"])
def test_the_editors_home(sign_in, screenshots, viewport):
    page = sign_in("editor", viewport=viewport)
    load_axe(page.context)
    # The editor opens the journalist's draft: the home shows it being edited.
    page.goto(f"/admin/articles/article/?{urlencode({'q': HEADLINE})}")
    page.locator("#result_list").get_by_role("link", name=HEADLINE).click()
    expect(page.get_by_label("Headline")).to_have_value(HEADLINE)

    look_at_home(page, "editor", screenshots)

    headings = page.locator(".desk-panel__title").all_inner_texts()
    assert [re.sub(r"\s+\d+$", "", text.strip()) for text in headings] == [
        "Review queue",
        "Scheduled for today and tomorrow",
        "Published in the last 24 hours",
        "Being edited right now",
        "Corrections added today",
        "Links waiting on published stories",
        "Your budget assignments",
    ]
    queue = panel(page, "review-queue")
    expect(queue.locator(".desk-row__details").first).to_contain_text("waiting")
    editing = panel(page, "editing-now")
    expect(editing.get_by_role("link", name=HEADLINE)).to_be_visible()
    expect(editing.locator(".desk-row__details").first).to_contain_text(
        re.compile(r"open by .*Maren Holloway")
    )
    queue.locator(".desk-panel__title a").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()


def test_the_focal_point_is_set_by_clicking_the_picture(sign_in, screenshots):
    page = sign_in("editor")
    page.goto("/admin/articles/image/")
    page.locator("#result_list tbody tr a").first.click()
    picture = page.locator("[data-focal-picker] img")
    expect(picture).to_be_visible()
    box = picture.bounding_box()

    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})

    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.25) < 0.01
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.75) < 0.01
    marker = page.locator(".focal-picker__marker").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.25)) < 2
    page.locator("[data-focal-picker]").press("ArrowRight")
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.27) < 0.01
    page.screenshot(path=screenshots / "image-focal-point.png", full_page=True)
