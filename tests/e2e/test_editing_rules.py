"""Two editors on one story, and a journalist trying an editor's step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import desk

pytestmark = pytest.mark.e2e

IN_REVIEW = "Why electric MINIs from China need not mean fewer from Oxford"
OWN_DRAFT = "Electric MINI: five questions for its launch year"
PUBLISHED = "BMW says Great Wall talks on China-built electric MINIs are ‘going well’"


def test_stale_save_shows_the_conflict_page_and_keeps_the_second_text(
    sign_in, screenshots
):
    first = sign_in("editor")
    second = sign_in("editor2")
    desk.open_from_review_queue(first, IN_REVIEW)
    desk.open_from_review_queue(second, IN_REVIEW)

    first.get_by_label("Headline").fill(f"{IN_REVIEW} (first editor)")
    first.get_by_role("button", name="Save and continue editing").click()
    expect(desk.saved_message(first)).to_contain_text("was changed successfully")

    mine = "The second editor's new closing paragraph, typed in the stale form."
    second.get_by_label("Headline").fill(f"{IN_REVIEW} (second editor)")
    desk.caret_to_end(second)
    second.keyboard.press("Enter")
    second.keyboard.type(mine)
    with second.expect_response(
        re.compile(r"/admin/articles/article/\d+/change/")
    ) as r:
        second.get_by_role("button", name="Save and continue editing").click()
    assert r.value.status == 409

    expect(second.get_by_role("alert")).to_contain_text(
        "Your changes have not been saved yet, and nothing you typed is lost."
    )
    expect(second.get_by_role("alert")).to_contain_text("Maren Holloway saved")
    expect(second.get_by_label("Headline (yours)")).to_have_value(
        f"{IN_REVIEW} (second editor)"
    )
    expect(desk.body_editor(second)).to_contain_text(mine)
    expect(second.locator(".conflict-field").first).to_contain_text("(first editor)")
    second.screenshot(path=screenshots / "conflict-409.png", full_page=True)

    # Merging: the second editor's text saved over the first's, on purpose.
    second.get_by_role("button", name="Save merged version").click()
    expect(desk.saved_message(second)).to_contain_text("was changed successfully")
    desk.open_story(second, f"{IN_REVIEW} (second editor)")
    expect(desk.body_editor(second)).to_contain_text(mine)

    # Both saves are in the story's history, after the demo loader's own.
    second.locator(".object-tools").get_by_role("link", name="History").click()
    versions = second.locator(".story-versions tbody tr")
    expect(versions.nth(0)).to_contain_text("Idris Penhallow")
    expect(versions.nth(1)).to_contain_text("Maren Holloway")
    expect(versions.last).to_contain_text("—")


def test_journalist_has_no_editor_buttons_and_a_forged_step_is_refused(sign_in):
    page = sign_in("journalist")
    desk.open_story(page, OWN_DRAFT)
    assert desk.workflow_buttons(page) == ["Submit for review"]

    # The journalist's own form, with a Publish button added by hand.
    page.locator("#article_form").evaluate(
        """form => {
            const forged = document.createElement("button");
            forged.type = "submit"; forged.name = "_workflow"; forged.value = "publish";
            forged.textContent = "Forged publish";
            form.querySelector(".workflow-buttons").append(forged);
        }"""
    )
    page.get_by_role("button", name="Forged publish").click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.get_by_text("Only editors may publish.")).to_be_visible()
    page.goto(page.url)
    expect(desk.story_status(page)).to_have_text("Draft")

    # A published story: read-only for a journalist, and a forged POST with a
    # valid CSRF token is refused outright.
    desk.open_story(page, PUBLISHED)
    assert desk.workflow_buttons(page) == []
    expect(page.locator("#id_headline")).to_have_count(0)
    token = next(
        cookie["value"]
        for cookie in page.context.cookies()
        if cookie["name"] == "csrftoken"
    )
    response = page.request.post(
        page.url,
        form={
            "csrfmiddlewaretoken": token,
            "headline": PUBLISHED,
            "_workflow": "withdraw",
            "workflow_comment": "Forged",
        },
        headers={"Referer": page.url},
    )
    assert response.status == 403
    page.reload()
    expect(desk.story_status(page)).to_have_text("Published")
