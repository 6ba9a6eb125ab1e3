"""One story from the journalist's first keystroke to the reader, and gone
again: each step is a test, run in order on the same story."""

from __future__ import annotations

import re

import feedparser
import pytest
from playwright.sync_api import Page, expect

from demo.content import LeadImage
from demo.management.commands.load_demo import render_lead_image
from tests.e2e import desk

pytestmark = [pytest.mark.e2e, pytest.mark.incremental]

HEADLINE = "Great Wall Motor wins battery work for the electric MINI"
DEK = "The Chinese carmaker will build battery packs for MINIs made with BMW."
COMMENT = "Say where the packs will be built, and link the filing."
FIX = "The packs will be assembled in Zhangjiagang, beside the new plant."
SEARCH = "battery packs MINI"
FILING_URL = "https://www.example.com/filings/great-wall-letter-of-intent"
ALT_TEXT = "The word PACKS over orange bands on a dark blue gradient"
LEAD_IMAGE = LeadImage(
    stem="battery-packs",
    alt_text=ALT_TEXT,
    caption="Battery packs are the heaviest part of an electric MINI.",
    word="PACKS",
    palette=("#0b1d3a", "#18324f", "#f08a24"),
    motif="bands",
)
WITHDRAWAL_NOTICE = "This story named the wrong supplier. We have withdrawn it."


@pytest.fixture(scope="module")
def story() -> dict:
    """What the steps learn about the story as they go (its public URL)."""
    return {}


def test_journalist_writes_the_story_and_submits_it(sign_in, tmp_path, screenshots):
    page = sign_in("journalist")
    page.locator("#content-main .model-article").get_by_role("link", name="Add").click()

    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Standfirst").fill(DEK)
    editor = desk.body_editor(page)
    editor.click()
    desk.choose_block_type(page, "heading2")
    page.keyboard.type("What was agreed")
    page.keyboard.press("Enter")
    page.keyboard.type("BMW's chief executive Harald Krüger said that ")
    desk.type_bold(page, "Great Wall Motor")
    page.keyboard.type(" will build the battery packs.")
    page.keyboard.press("Enter")
    desk.menu_button(page, "bulletList").click()
    page.keyboard.type("Battery packs from Great Wall Motor")
    page.keyboard.press("Enter")
    page.keyboard.type("Final assembly with BMW")
    # An empty item ends the list. The link comes last: Tiptap hands the
    # selection back a frame after its dialog closes, and keys typed in
    # between could land on the link (seen once in CI).
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    desk.type_link(page, "Read the letter of intent", FILING_URL)

    expect(editor.locator("h2")).to_have_text("What was agreed")
    expect(editor.locator("strong")).to_have_text("Great Wall Motor")
    expect(editor.locator(f'a[href="{FILING_URL}"]')).to_have_text(
        "Read the letter of intent"
    )
    expect(editor.locator("ul > li")).to_have_count(2)

    # The suggestions panel finds the company and the person while typing,
    # before anything is saved; the journalist links both.
    suggestions = page.locator("#mention-suggestions")
    for name in ("Great Wall Motor", "Harald Krueger"):
        suggestion = suggestions.locator(".mention__entity", has_text=name)
        suggestion.get_by_role("button", name="Link", exact=True).click()
        expect(suggestion.locator(".mention__state")).to_have_text("Linked")
    expect(page.locator("#id_linked_entities option:checked")).to_have_count(2)
    page.screenshot(path=screenshots / "journey-suggestions-linked.png", full_page=True)

    page.get_by_label("Section").select_option(label="Automotive")

    # The lead image, uploaded with its alt text from the "+" beside the field.
    image = tmp_path / "battery-packs.jpg"
    image.write_bytes(render_lead_image(LEAD_IMAGE))
    with page.expect_popup() as popup_info:
        page.locator("#add_id_lead_image").click()
    popup = popup_info.value
    popup.get_by_label("File").set_input_files(image)
    popup.get_by_label("Alt text").fill(ALT_TEXT)
    popup.get_by_label("Caption").fill(LEAD_IMAGE.caption)
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    expect(page.locator("#id_lead_image option:checked")).to_have_text(ALT_TEXT)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(desk.saved_message(page)).to_contain_text("was added successfully")
    expect(desk.story_status(page)).to_have_text("Draft")
    assert desk.workflow_buttons(page) == ["Submit for review"]

    desk.press_workflow(page, "Submit for review")
    expect(desk.story_status(page)).to_have_text("In review")
    expect(desk.saved_message(page)).to_contain_text("submit for review done")


def test_editor_requests_changes_from_the_review_queue(sign_in):
    page = sign_in("editor")
    desk.open_from_review_queue(page, HEADLINE)
    expect(desk.story_status(page)).to_have_text("In review")
    assert desk.workflow_buttons(page) == ["Request changes", "Publish", "Schedule"]
    page.get_by_label("Comment", exact=True).fill(COMMENT)
    desk.press_workflow(page, "Request changes")
    expect(desk.story_status(page)).to_have_text("Draft")


def test_journalist_reads_the_comment_fixes_and_resubmits(sign_in):
    page = sign_in("journalist")
    desk.open_story(page, HEADLINE)
    requested = page.locator(".story-changes-requested")
    expect(requested).to_contain_text("Changes requested")
    expect(requested).to_contain_text(COMMENT)

    desk.caret_to_end(page)  # after the link that ends the body
    page.keyboard.press("Enter")
    page.keyboard.type(FIX)
    desk.press_workflow(page, "Submit for review")
    expect(desk.story_status(page)).to_have_text("In review")
    expect(page.locator(".story-changes-requested")).to_have_count(0)


def test_editor_publishes_it(sign_in):
    page = sign_in("editor")
    desk.open_from_review_queue(page, HEADLINE)
    expect(desk.body_editor(page)).to_contain_text(FIX)
    desk.press_workflow(page, "Publish")
    expect(desk.story_status(page)).to_have_text("Published")


def test_reader_finds_it_everywhere(reader: Page, story):
    page = reader
    page.goto("/")
    lead = page.locator(".lead-story")
    expect(lead.get_by_role("heading", name=HEADLINE)).to_be_visible()
    lead.get_by_role("link", name=HEADLINE).click()
    story["url"] = page.url

    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    body = page.locator(".story__body")
    expect(body.locator("h2")).to_have_text("What was agreed")
    expect(body.locator("strong")).to_have_text("Great Wall Motor")
    expect(body.locator(f'a[href="{FILING_URL}"]')).to_be_visible()
    expect(body.locator("ul > li")).to_have_count(2)
    expect(body).to_contain_text(FIX)
    lead_image = page.locator(".story__figure img")
    expect(lead_image).to_have_attribute("alt", ALT_TEXT)
    assert lead_image.evaluate("img => img.complete && img.naturalWidth > 0")

    page.locator(".in-this-story").get_by_role("link", name="Great Wall Motor").click()
    expect(page).to_have_url(re.compile(r"/companies/great-wall-motor/$"))
    expect(page.get_by_role("link", name=HEADLINE)).to_be_visible()

    page.get_by_role("searchbox", name="Search stories").fill(SEARCH)
    page.get_by_role("searchbox", name="Search stories").press("Enter")
    expect(page.get_by_role("link", name=HEADLINE)).to_be_visible()

    feed = feedparser.parse(page.request.get("/feeds/latest/").body())
    assert HEADLINE in [entry.title for entry in feed.entries]


def test_editor_withdraws_it_and_readers_lose_it(
    sign_in, reader: Page, story, screenshots
):
    page = sign_in("editor")
    desk.open_story(page, HEADLINE)
    page.get_by_label("Comment", exact=True).fill("The supplier denies it.")
    page.get_by_label("Notice to readers").fill(WITHDRAWAL_NOTICE)
    desk.press_workflow(page, "Withdraw")
    expect(desk.story_status(page)).to_have_text("Withdrawn")

    response = reader.goto(story["url"])
    assert response.status == 410
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "This story has been withdrawn"
    )
    expect(reader.locator(".notice__reason")).to_have_text(WITHDRAWAL_NOTICE)
    reader.screenshot(path=screenshots / "journey-withdrawn-410.png", full_page=True)

    for path in ("/", "/companies/great-wall-motor/", f"/search/?q={SEARCH}"):
        reader.goto(path)
        expect(reader.get_by_role("heading", level=1)).to_be_visible()
        expect(reader.get_by_role("link", name=HEADLINE)).to_have_count(0)

    feed = feedparser.parse(reader.request.get("/feeds/latest/").body())
    assert feed.entries
    assert HEADLINE not in [entry.title for entry in feed.entries]
