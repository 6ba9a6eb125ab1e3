import pytest

from articles.richtext import sanitize_html
from tests.factories import ArticleFactory

EMPTY_LINK = '<a rel="noopener noreferrer">x</a>'
HOSTILE = [
    ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    ("<style>body{display:none}</style><p>Text</p>", "<p>Text</p>"),
    ('<p onclick="alert(1)">Click</p>', "<p>Click</p>"),
    ('<img src="x" onerror="alert(1)">', ""),
    ('<a href="javascript:alert(1)">x</a>', EMPTY_LINK),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', EMPTY_LINK),
    (
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a rel="noopener noreferrer">x</a>',
    ),
    ('<p style="background:url(javascript:alert(1))">s</p>', "<p>s</p>"),
    ("<iframe src='https://evil.test'></iframe><p>ok</p>", "<p>ok</p>"),
    ('<svg onload="alert(1)"><circle/></svg>', ""),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_hostile_markup_is_removed(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_allowed_formatting_survives():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><p><strong>bold</strong> <em>italic</em> "
        '<a href="https://www.bmwgroup.com/" title="BMW">link</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
        "<blockquote><p>A quote</p></blockquote><hr>"
    )
    cleaned = sanitize_html(html)
    for fragment in [
        "<h2>Heading</h2>",
        "<h3>Sub</h3>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        'href="https://www.bmwgroup.com/"',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>A quote</p></blockquote>",
        "<hr>",
    ]:
        assert fragment in cleaned


def test_empty_editor_paragraph_is_empty():
    assert sanitize_html("<p></p>") == ""


@pytest.mark.django_db
def test_body_is_sanitised_on_save():
    article = ArticleFactory(
        body='<p onmouseover="steal()">Safe <script>bad()</script>'
        '<a href="javascript:bad()">link</a></p>'
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onmouseover" not in article.body
    assert "javascript:" not in article.body
    assert "Safe" in article.body
