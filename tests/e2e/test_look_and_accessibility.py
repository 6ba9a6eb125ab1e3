"""How the pages look on a phone and a desktop, and whether everyone can use
them: no sideways scrolling, no text over text, axe-core's serious and
critical rules, the skip link, and a clean console under the site's
Content-Security-Policy. Screenshots go to screenshots/ (see the README)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import desk, page_checks
from tests.e2e.conftest import AXE_RESULTS, IMAGE_RESULTS

pytestmark = pytest.mark.e2e

STORY = "/stories/bmw-great-wall-talks-electric-mini-china-going-well/"
PUBLIC_PAGES = {
    "home": "/",
    "story": STORY,
    "entity": "/companies/bmw-group/",
    "section": "/sections/automotive/",
    "search": "/search/?q=Great+Wall+electric",
}
# Every kind of public page that shows pictures, looked at with them loaded.
LOOKED_AT = {
    **PUBLIC_PAGES,
    "tag": "/tags/electric-vehicles/",
    "author": "/authors/clara-ashdown/",
    "person": "/people/harald-krueger/",
}
WIDTHS = {"phone": 375, "desktop": 1280}
# Every other kind of public page, for the console and CSP check.
MORE_PUBLIC_PAGES = [
    "/people/harald-krueger/",
    "/brands/mini/",
    "/companies/bmw-group/with/companies/great-wall-motor/",
    "/tags/electric-vehicles/",
    "/authors/clara-ashdown/",
    "/search/?q=nothing+matches+this+zzzz",
    "/no-such-page/",
]


def check_layout(page: Page, name: str, screenshots) -> None:
    images = page_checks.load_images(page)
    IMAGE_RESULTS.append(
        {"page": name.rsplit("-", 1)[0], "width": page.viewport_size["width"]} | images
    )
    assert images["broken"] == [], f"{name}: images did not load"
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    assert not page_checks.scrolls_sideways(page), f"{name} scrolls sideways"
    assert page_checks.overlapping_text(page) == [], f"{name}: text over text"


def test_the_layout_checks_see_what_they_look_for(page: Page):
    """The checks below are real: they catch a page wider than the screen
    and text drawn over text, and pass wrapped and visually-hidden text."""
    page.set_viewport_size({"width": 375, "height": 600})
    page.set_content(
        """<style>.hidden { position: absolute; width: 1px; height: 1px;
                             overflow: hidden; clip-path: inset(50%); }</style>
        <h1>A headline long enough to wrap over three lines on a phone</h1>
        <p class="hidden">Words for screen readers only, wrapped word by word</p>
        <p>First paragraph</p>
        <p style="position: relative; top: -2em; left: 1em">Drawn over it</p>
        <div style="width: 600px">Too wide</div>"""
    )
    assert page_checks.scrolls_sideways(page)
    assert page_checks.overlapping_text(page) == [
        '"First paragraph" and "Drawn over it"'
    ]


def test_the_image_checks_see_a_picture_the_server_does_not_have(
    reader: Page, page_watch, newsroom
):
    """A picture that answers 404 is reported twice: as an image that did not
    load, and as a failed sub-request of a public page."""
    reader.goto("/")
    missing = f"{newsroom.url}/media/renditions/2020/01/no-such-picture.webp"
    reader.evaluate(
        """(src) => {
            const image = new Image(40, 40);
            image.alt = "missing";
            image.src = src;
            document.querySelector("main").prepend(image);
        }""",
        missing,
    )
    images = page_checks.load_images(reader)
    assert images["broken"] == [missing]
    assert images["checked"] > 1
    kinds = {problem.kind for problem in page_watch.public_problems()}
    assert kinds == {"failed sub-request", "console error"}
    page_watch.clear()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", LOOKED_AT)
def test_public_page_fits_the_screen(new_context, screenshots, name, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    response = page.goto(LOOKED_AT[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    check_layout(page, f"{name}-{width}", screenshots)
    sections = page.get_by_role("navigation", name="Sections", exact=True)
    for link in ["Home", "Automotive", "Business", "Technology"]:
        expect(sections.get_by_role("link", name=link, exact=True)).to_be_in_viewport()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_story_form_fits_the_screen(sign_in, screenshots, width):
    page = sign_in("editor", viewport={"width": width, "height": 900})
    page.goto("/admin/articles/article/?q=going+well")
    page.get_by_role("link", name="BMW says Great Wall talks").click()
    expect(desk.body_editor(page)).to_be_visible()
    expect(page.locator("#mention-suggestions .mention").first).to_be_visible()
    check_layout(page, f"admin-story-form-{width}", screenshots)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_axe_finds_nothing_serious(new_context, name, width):
    context = new_context(viewport={"width": width, "height": 900})
    page_checks.load_axe(context)
    page = context.new_page()
    page.goto(PUBLIC_PAGES[name])
    violations = page_checks.axe_violations(page)
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    AXE_RESULTS.append(
        {
            "page": name,
            "width": width,
            "serious": sum(v["impact"] == "serious" for v in violations),
            "critical": sum(v["impact"] == "critical" for v in violations),
        }
    )
    assert serious == [], serious


@pytest.mark.parametrize("path", ["/", STORY])
def test_skip_link_takes_the_keyboard_to_the_main_content(reader: Page, path):
    reader.goto(path)
    reader.keyboard.press("Tab")
    skip = reader.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 1, "focused but not shown"
    reader.keyboard.press("Enter")
    assert reader.evaluate("() => document.activeElement.closest('main') !== null")
    reader.keyboard.press("Tab")
    assert reader.evaluate("() => document.activeElement.closest('main') !== null")


def test_public_pages_keep_a_clean_console(reader: Page, page_watch):
    for path in [*PUBLIC_PAGES.values(), *MORE_PUBLIC_PAGES]:
        reader.goto(path)
        reader.wait_for_load_state("networkidle")
    problems = page_watch.public_problems()
    assert problems == [], "\n".join(map(str, problems))


def test_the_watch_catches_a_csp_violation(reader: Page, page_watch):
    """Proof that the check above is real: a script the site's policy
    forbids, added to a public page, is reported as a violation."""
    response = reader.goto("/")
    headers = response.headers
    policy = headers.get("content-security-policy") or headers.get(
        "content-security-policy-report-only"
    )
    if not policy:
        pytest.skip("the site sends no Content-Security-Policy")
    directive = reader.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener(
                "securitypolicyviolation", (event) => resolve(event.violatedDirective)
            );
            const script = document.createElement("script");
            script.textContent = "window.forbiddenScriptRan = true";
            document.body.append(script);
        })"""
    )
    assert directive.startswith("script-src")
    # The browser reports it twice: to the page's listener, which tells the
    # test a round trip later, and in the console.
    caught: set[str] = set()
    for _ in range(50):
        caught = {problem.kind for problem in page_watch.public_problems()}
        if caught == {"CSP violation", "console error"}:
            break
        reader.evaluate("() => 0")
    assert caught == {"CSP violation", "console error"}, page_watch.problems
    page_watch.clear()
