"""What people do in the newsroom's admin, in Playwright's words: open a story,
write in the rich-text editor, press a workflow button."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(done))"


def open_story(page: Page, headline: str) -> None:
    """Find a story in the admin's list by its headline and open it."""
    page.goto("/admin/articles/article/")
    page.get_by_role("searchbox").fill(headline)
    page.get_by_role("searchbox").press("Enter")
    page.get_by_role("link", name=headline, exact=True).click()
    expect(page.locator("#id_headline, .field-headline").first).to_be_visible()


def open_from_review_queue(page: Page, headline: str) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Review queue").first.click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_role("link", name=headline, exact=True).click()


def story_status(page: Page) -> Locator:
    return page.locator(".story-state strong")


def press_workflow(page: Page, label: str) -> None:
    """Press a workflow button (it saves the form first) and wait for the
    story to come back."""
    with page.expect_navigation():
        page.locator(".workflow-buttons").get_by_role("button", name=label).click()


def workflow_buttons(page: Page) -> list[str]:
    return page.locator(".workflow-buttons button").all_inner_texts()


# The rich-text editor (django-prose-editor, on Tiptap)


def body_editor(page: Page) -> Locator:
    return page.locator(".ProseMirror[contenteditable=true]").first


# True when the caret is in the editor and no text follows it.
CARET_AT_END = """el => {
  const selection = getSelection();
  if (!selection.rangeCount || !el.contains(selection.focusNode)) return false;
  const rest = document.createRange();
  rest.selectNodeContents(el);
  rest.setStart(selection.focusNode, selection.focusOffset);
  return rest.toString().length === 0;
}"""


def caret_to_end(page: Page) -> None:
    """Put the caret after the last word of the story body, and check that
    it is there before anything is typed: a click the editor is still
    settling from can leave it at the top (seen once in CI, where the
    journalist's fix was typed into the first heading)."""
    editor = body_editor(page)
    for _ in range(5):
        editor.click()
        page.keyboard.press("Control+End")
        page.evaluate(NEXT_FRAME)
        if editor.evaluate(CARET_AT_END):
            return
    raise AssertionError("The caret would not go to the end of the story body.")


def menu_button(page: Page, name: str) -> Locator:
    return page.locator(f".prose-menubar button[data-name={name}]").first


def choose_block_type(page: Page, name: str) -> None:
    """Pick "heading2", "paragraph"… from the editor's block-type menu."""
    page.locator(".prose-menubar__selected").first.click()
    page.locator(f".prose-menubar__option[data-name={name}]").first.click()


def type_bold(page: Page, text: str) -> None:
    menu_button(page, "bold").click()
    page.keyboard.type(text)
    menu_button(page, "bold").click()


def type_link(page: Page, text: str, url: str) -> None:
    """Type ``text``, select it and make it a link with the editor's dialog."""
    page.keyboard.type(text)
    for _ in text:
        page.keyboard.press("Shift+ArrowLeft")
    menu_button(page, "link").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.get_by_label("URL").fill(url)
    dialog.get_by_role("button", name="Update").click()
    expect(body_editor(page).locator(f'a[href="{url}"]')).to_have_text(text)
    # Tiptap gives the editor its focus and the selection back on the next
    # animation frame: typing on before that would type over the link.
    page.evaluate(NEXT_FRAME)
    page.evaluate(NEXT_FRAME)
    expect(body_editor(page)).to_be_focused()
    page.keyboard.press("End")
    assert page.evaluate("() => getSelection().isCollapsed")


def saved_message(page: Page) -> Locator:
    return page.locator("ul.messagelist li.success")


def field_value(page: Page, name: str) -> str:
    return page.locator(f"[name={name}]").first.input_value()


def slug_from_url(url: str) -> str:
    match = re.search(r"/stories/([^/]+)/", url)
    assert match, url
    return match.group(1)
