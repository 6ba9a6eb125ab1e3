"""The allow-list every story body passes before it is stored.

It matches the editor's toolbar (settings.PROSE_EDITOR_EXTENSIONS): whatever a
browser, an API client or a pasted document sends, only this formatting
survives, and no script, style, event handler or javascript:/data: URL does.
"""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # Tags whose content is code or presentation, never prose: drop it too.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    cleaned = _cleaner.clean(html or "").strip()
    # The editor always sends at least one empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
