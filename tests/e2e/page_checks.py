"""Checks run inside a page: horizontal scrolling, text drawn over text, and
axe-core's accessibility rules."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from tests.e2e.server import BASE_DIR

AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Scrolls each lazy image into view, as a reader would, and waits for it;
# answers how many images the page has and the addresses of those that did
# not load (an image the server answered 404 has a naturalWidth of 0).
LOAD_EVERY_IMAGE = """
async () => {
  // Images the layout hides at this width are not drawn, so not loaded.
  const shown = [...document.images].filter((image) => image.getClientRects().length);
  for (const image of shown) {
    image.scrollIntoView();
    await image.decode().catch(() => null);
  }
  window.scrollTo(0, 0);
  return {
    checked: shown.length,
    broken: shown
      .filter((image) => !image.complete || image.naturalWidth === 0)
      .map((image) => image.currentSrc || image.src),
  };
}
"""

SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"

# Every visible run of text as the boxes of its lines, clipped by the boxes of
# the ancestors that hide their overflow (so visually-hidden text counts as
# the nothing it shows); then every pair of boxes from different texts that
# share more than a sliver. Lines of one text may touch, and so may
# neighbours whose line boxes kiss: a third of a line's height is allowed.
# A box that cuts its text short with an ellipsis draws it around what floats
# inside it (select2's clear button), which the text's own box cannot show.
OVERLAPPING_TEXT = """
() => {
  const clipped = (rect, element) => {
    let {left, top, right, bottom} = rect;
    for (const node of ancestors(element)) {
      const style = getComputedStyle(node);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const outer = node.getBoundingClientRect();
      left = Math.max(left, outer.left);
      top = Math.max(top, outer.top);
      right = Math.min(right, outer.right);
      bottom = Math.min(bottom, outer.bottom);
    }
    return {left, top, right, bottom};
  };
  function* ancestors(element) {
    for (let node = element; node !== document.body; node = node.parentElement) {
      yield node;
    }
  }
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let textIndex = 0;
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const element = text.parentElement;
    if (!text.textContent.trim() || !element) continue;
    const shown = {opacityProperty: true, visibilityProperty: true};
    if (!element.checkVisibility(shown)) continue;
    if (element.closest("script, style, noscript, template, option")) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    textIndex += 1;
    for (const rect of range.getClientRects()) {
      const box = clipped(rect, element);
      const width = box.right - box.left, height = box.bottom - box.top;
      if (width < 2 || height < 2) continue;
      const ellipsis = [...ancestors(element)].find(
        (node) => getComputedStyle(node).textOverflow === "ellipsis"
      );
      boxes.push({
        ...box, height, element, ellipsis, text: textIndex,
        what: text.textContent.trim().slice(0, 50),
      });
    }
  }
  boxes.sort((a, b) => a.top - b.top);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].top < a.bottom; j++) {
      const b = boxes[j];
      if (a.text === b.text) continue;
      if (a.ellipsis?.contains(b.element) || b.ellipsis?.contains(a.element)) continue;
      const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (width > 3 && height > Math.max(3, Math.min(a.height, b.height) / 3)) {
        overlaps.push(`"${a.what}" and "${b.what}"`);
      }
    }
  }
  return overlaps.slice(0, 10);
}
"""

AXE_RUN = """
async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
  }));
}
"""


def load_images(page: Page) -> dict:
    """Load every image on the page, lazy ones too: {"checked": how many,
    "broken": the addresses of those that failed}."""
    return page.evaluate(LOAD_EVERY_IMAGE)


def broken_images(page: Page) -> list[str]:
    return load_images(page)["broken"]


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(SCROLLS_SIDEWAYS)


def overlapping_text(page: Page) -> list[str]:
    return page.evaluate(OVERLAPPING_TEXT)


def load_axe(context: BrowserContext) -> None:
    """axe-core in every page of the context, from node_modules (npm ci).
    An init script, unlike a <script> tag, is not subject to the page's
    Content-Security-Policy."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `npm ci`.")
    context.add_init_script(path=Path(AXE_SCRIPT))


def axe_violations(page: Page) -> list[dict]:
    return page.evaluate(AXE_RUN)
