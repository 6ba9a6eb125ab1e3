"""Text from the desk that once broke a reader's page or feed: tags without
plain letters, control characters, links that are not web addresses."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.forms import TagNamesField
from tests.factories import ArticleFactory, AuthorFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def test_an_accented_tag_gets_a_plain_address(client):
    story = ArticleFactory(published=True, tags=["Škoda", "Citroën ë-C4"])
    slugs = sorted(tag.slug for tag in story.tags.all())
    assert slugs == ["citroen-e-c4", "skoda"]
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert 'href="/tags/skoda/"' in page.content.decode()
    assert client.get("/tags/skoda/").status_code == 200


def test_a_tag_saved_with_letters_in_its_slug_keeps_its_pages(client):
    legacy = Tag.objects.create(name="Citroën", slug="citroën")
    story = ArticleFactory(published=True)
    story.tags.add(legacy)
    assert client.get(story.get_absolute_url()).status_code == 200
    url = reverse("articles:tag", kwargs={"slug": legacy.slug})
    assert url == "/tags/citro%C3%ABn/"
    assert client.get(url).status_code == 200
    feed = reverse("articles:feed_tags", kwargs={"slug": legacy.slug})
    assert client.get(feed).status_code == 200
    assert client.get("/sitemap-tags.xml").status_code == 200


def test_a_tag_with_no_letter_or_digit_is_refused_with_a_reason():
    field = TagNamesField(required=False)
    with pytest.raises(Exception) as refused:
        field.clean(["electric cars", "!!!"])
    assert refused.value.code == "tag_without_words"
    assert "“!!!” needs at least one letter or digit" in refused.value.message


def test_control_characters_do_not_break_feeds_or_sitemaps(client):
    author = AuthorFactory(name="Jo\x0bReporter")
    ArticleFactory(
        published=True,
        headline="Pasted\x0b from a word processor\x02",
        dek="A vertical tab\x0b and a form feed\x0c.",
        authors=[author],
    )
    for url in [
        "/feeds/latest/",
        "/feeds/latest/atom/",
        f"/feeds/authors/{author.slug}/",
        "/news-sitemap.xml",
        "/sitemap-stories.xml",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # well-formed
    entry = feedparser.parse(client.get("/feeds/latest/").content).entries[0]
    assert entry.title == "Pasted from a word processor"


def test_feed_descriptions_are_text_escaped_once(client):
    ArticleFactory(published=True, dek="<b>AT&T</b> says <script>x</script>")
    raw = client.get("/feeds/latest/").content.decode()
    # Escaped as HTML, then as XML.
    assert "&amp;lt;b&amp;gt;AT&amp;amp;T&amp;lt;/b&amp;gt;" in raw
    entry = feedparser.parse(raw).entries[0]
    assert "<script>" not in entry.summary
    assert "<b>" not in entry.summary


@pytest.mark.parametrize(
    ("website", "linked"),
    [
        ("https://www.bmwgroup.com/en.html", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
    ],
)
def test_an_entity_website_is_linked_only_when_it_is_a_web_address(
    client, website, linked
):
    company = CompanyFactory(website=website)
    html = client.get(company.get_absolute_url()).content.decode()
    assert ("<dt>Website</dt>" in html) is linked
    if not linked:
        assert "alert(1)" not in html
