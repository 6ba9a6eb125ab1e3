"""What search engines and social networks read from a page: JSON-LD,
canonical links, OpenGraph and Twitter meta, and noindex where it belongs."""

import json
import re
from datetime import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Rendition
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    ImageFactory,
    PersonFactory,
    PreviewLinkFactory,
    RenderedImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html) -> dict:
    """The page's JSON-LD objects by @type; each must parse on its own."""
    return {data["@type"]: data for data in map(json.loads, LD_SCRIPT.findall(html))}


def fromisoformat(value):
    when = datetime.fromisoformat(value)
    assert when.tzinfo is not None, value
    return when


def meta(html, attribute, name) -> str | None:
    pattern = rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">'
    found = re.search(pattern, html)
    return found.group(1) if found else None


@pytest.fixture
def lead_story(frozen_now):
    bmw = CompanyFactory(name="BMW Group", website="https://www.bmwgroup.com/")
    krueger = PersonFactory(name="Harald Krueger", website="https://example.com/hk")
    mini = BrandFactory(name="MINI", owner=bmw, website="https://www.mini.com/")
    return ArticleFactory(
        published=True,
        headline="BMW and Great Wall talk electric MINIs",
        dek="Talks are going well, the chief executive says.",
        section=SectionFactory(name="Automotive", slug="automotive"),
        published_at=frozen_now.replace(hour=7, minute=0),
        updated_at=frozen_now.replace(hour=8, minute=15),
        authors=[AuthorFactory(name="Anna Schmidt"), AuthorFactory(name="Tom Wexford")],
        entities=[bmw, krueger, mini],
        tags=["electric cars"],
        lead_image=RenderedImageFactory(alt_text="A MINI on the line"),
    )


def test_a_story_page_describes_itself_as_a_news_article(client, lead_story):
    url = f"http://testserver{lead_story.get_absolute_url()}"

    html = client.get(lead_story.get_absolute_url()).content.decode()

    article = json_ld(html)["NewsArticle"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "BMW and Great Wall talk electric MINIs"
    assert article["description"] == "Talks are going well, the chief executive says."
    assert article["url"] == article["mainEntityOfPage"]["@id"] == url
    assert fromisoformat(article["datePublished"]) == lead_story.published_at
    assert fromisoformat(article["dateModified"]) == lead_story.updated_at
    assert [a["name"] for a in article["author"]] == ["Anna Schmidt", "Tom Wexford"]
    assert article["articleSection"] == "Automotive"
    assert article["keywords"] == ["electric cars"]
    publisher = article["publisher"]
    assert publisher["name"] == "The Newsroom"
    assert publisher["logo"]["url"] == "http://testserver/static/img/logo.png"
    with PILImage.open(finders.find("img/logo.png")) as logo:
        assert logo.size == (publisher["logo"]["width"], publisher["logo"]["height"])
    # One JPEG per ratio search engines ask for: 16:9, 1:1 and the social crop.
    renditions = {
        f"http://testserver{r.file.url}": r
        for r in Rendition.objects.filter(image=lead_story.lead_image, format="jpeg")
    }
    assert len(article["image"]) == 3
    assert {renditions[u].spec for u in article["image"]} == {"card", "thumb", "social"}
    assert all(renditions[u].width >= 400 for u in article["image"])


def test_the_entities_are_linked_with_their_websites(client, lead_story):
    html = client.get(lead_story.get_absolute_url()).content.decode()
    article = json_ld(html)["NewsArticle"]

    assert {(e["@type"], e["name"], e["sameAs"][0]) for e in article["mentions"]} == {
        ("Organization", "BMW Group", "https://www.bmwgroup.com/"),
        ("Person", "Harald Krueger", "https://example.com/hk"),
        ("Brand", "MINI", "https://www.mini.com/"),
    }
    assert {e["name"] for e in article["about"]} == {"BMW Group", "MINI"}
    for entity in article["mentions"]:
        assert entity["url"].startswith("http://testserver/")


def test_a_story_page_has_breadcrumbs(client, lead_story):
    html = client.get(lead_story.get_absolute_url()).content.decode()
    breadcrumbs = json_ld(html)["BreadcrumbList"]["itemListElement"]
    assert [(b["position"], b["name"], b["item"]) for b in breadcrumbs] == [
        (1, "The Newsroom", "http://testserver/"),
        (2, "Automotive", "http://testserver/sections/automotive/"),
        (
            3,
            "BMW and Great Wall talk electric MINIs",
            f"http://testserver{lead_story.get_absolute_url()}",
        ),
    ]


@pytest.mark.parametrize(
    ("factory", "schema_type"),
    [
        (CompanyFactory, "Organization"),
        (PersonFactory, "Person"),
        (BrandFactory, "Brand"),
    ],
)
def test_entity_pages_describe_the_entity(client, factory, schema_type):
    entity = factory(
        name="Great Wall Motor",
        website="https://www.gwm-global.com/",
        description="A carmaker from Baoding.",
        image=ImageFactory(),
    )
    AliasFactory(entity=entity, name="GWM")

    html = client.get(entity.get_absolute_url()).content.decode()

    data = json_ld(html)[schema_type]
    assert data["name"] == "Great Wall Motor"
    assert data["sameAs"] == ["https://www.gwm-global.com/"]
    assert data["url"] == f"http://testserver{entity.get_absolute_url()}"
    assert data["description"] == "A carmaker from Baoding."
    assert data["alternateName"] == ["GWM"]
    assert data["image"] == f"http://testserver{entity.image.file.url}"
    assert "BreadcrumbList" in json_ld(html)


def test_an_entity_without_a_website_has_no_same_as(client):
    company = CompanyFactory(website="")
    html = client.get(company.get_absolute_url()).content.decode()
    assert "sameAs" not in json_ld(html)["Organization"]


HOSTILE = "</script><script>alert(1)</script><!--"


def test_hostile_text_cannot_break_out_of_the_json_ld(client, frozen_now):
    company = CompanyFactory(name=f"Evil {HOSTILE} Ltd", description=HOSTILE)
    story = ArticleFactory(
        published=True,
        headline=f"Plant deal {HOSTILE}",
        dek=f"\u2028{HOSTILE}&amp;",
        entities=[company],
        authors=[AuthorFactory(name=HOSTILE)],
    )
    for url in [story.get_absolute_url(), company.get_absolute_url()]:
        html = client.get(url).content.decode()
        scripts = LD_SCRIPT.findall(html)
        assert len(scripts) == 2, url
        for script in scripts:
            assert "</script" not in script.lower()
            assert "<!--" not in script
            json.loads(script)
        assert "<script>alert(1)" not in html, url

    data = json_ld(client.get(story.get_absolute_url()).content.decode())
    assert data["NewsArticle"]["headline"] == f"Plant deal {HOSTILE}"
    assert data["NewsArticle"]["description"] == f"\u2028{HOSTILE}&amp;"
    assert data["NewsArticle"]["author"][0]["name"] == HOSTILE


def test_canonical_links(client, frozen_now, settings):
    story = ArticleFactory(published=True)
    for _ in range(settings.STORIES_PER_PAGE):
        ArticleFactory(published=True, section=story.section)
    expected = {
        story.get_absolute_url() + "?utm_source=newsletter": story.get_absolute_url(),
        "/?utm_source=x": "/",
        "/?page=2": "/?page=2",
        story.section.get_absolute_url(): story.section.get_absolute_url(),
    }
    for url, canonical in expected.items():
        html = client.get(url).content.decode()
        assert re.findall(r'<link rel="canonical" href="([^"]*)">', html) == [
            f"http://testserver{canonical}"
        ], url


def test_social_meta_uses_the_1200_by_630_rendition(client, lead_story):
    html = client.get(lead_story.get_absolute_url()).content.decode()

    image_url = meta(html, "property", "og:image")
    social = Rendition.objects.get(image=lead_story.lead_image, spec="social")
    assert image_url == f"http://testserver{social.file.url}"
    assert (social.width, social.height, social.format) == (1200, 630, "jpeg")
    assert meta(html, "property", "og:image:width") == "1200"
    assert meta(html, "property", "og:image:height") == "630"
    assert meta(html, "name", "twitter:image") == image_url
    assert meta(html, "property", "og:image:alt") == "A MINI on the line"
    assert meta(html, "property", "og:title") == lead_story.headline
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:url") == (
        f"http://testserver{lead_story.get_absolute_url()}"
    )
    assert meta(html, "property", "article:published_time") == (
        "2025-06-10T07:00:00+01:00"
    )


def test_social_meta_gives_the_true_size_of_a_small_picture(client, frozen_now):
    # 64×36, with no renditions: the original is all there is.
    story = ArticleFactory(published=True, lead_image=ImageFactory())

    html = client.get(story.get_absolute_url()).content.decode()

    assert meta(html, "property", "og:image") == (
        f"http://testserver{story.lead_image.file.url}"
    )
    assert meta(html, "property", "og:image:width") == "64"
    assert meta(html, "property", "og:image:height") == "36"


def test_previews_and_search_are_not_indexed(client, frozen_now):
    story = ArticleFactory(published=True)
    draft = ArticleFactory(draft=True)
    preview = client.get(PreviewLinkFactory(article=draft).get_absolute_url())
    search = client.get(reverse("articles:search"), {"q": "carmaker"})
    public = client.get(story.get_absolute_url())

    for response, robots in [
        (preview, "noindex, nofollow"),
        (search, "noindex, follow"),
    ]:
        html = response.content.decode()
        assert meta(html, "name", "robots") == robots
        assert "noindex" in response["X-Robots-Tag"]
    assert '<link rel="canonical"' not in preview.content.decode()
    assert meta(public.content.decode(), "name", "robots") is None
    assert "X-Robots-Tag" not in public
