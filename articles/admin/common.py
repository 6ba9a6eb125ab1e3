"""What the desk's admin pages share."""

from csp.decorators import csp_update
from django.utils.html import format_html
from js_asset import Media


def thumbnail(image, size=120):
    if not image or not image.file:
        return "—"
    return format_html(
        '<img class="image-preview" src="{}" alt="{}" width="{}">',
        image.file.url,
        image.alt_text,
        size,
    )


def with_csp_nonce(request, media):
    """The form's media carrying this request's Content-Security-Policy nonce:
    the rich-text editor's import map is an inline script, and the policy
    lets an inline script run only with the nonce."""
    return Media.from_media(media, nonce=getattr(request, "csp_nonce", ""))


# The rich-text editor (Tiptap, inside django-prose-editor) adds its base
# stylesheet as a <style> element and cannot be given a nonce: pages with the
# editor allow exactly that stylesheet by its hash. tests/test_security.py
# recomputes the hash from the installed editor, so an upgrade that changes
# the stylesheet fails there rather than in a journalist's browser.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


editor_styles_allowed = csp_update({"style-src": [PROSE_EDITOR_STYLE_HASH]})
