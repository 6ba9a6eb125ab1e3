"""Sitemaps and robots.txt: what search engines are told to crawl, and not."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from tests.budgets import assert_budget
from tests.factories import ArticleFactory, AuthorFactory, CompanyFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def absolute(url):
    return f"http://testserver{url}"


def not_public(now, **kwargs):
    return [
        ArticleFactory(draft=True, **kwargs),
        ArticleFactory(in_review=True, **kwargs),
        ArticleFactory(scheduled=True, **kwargs),
        ArticleFactory(withdrawn=True, **kwargs),
    ]


def test_the_index_lists_every_sitemap(client, frozen_now):
    ArticleFactory(published=True)

    root = xml_of(client, "/sitemap.xml")

    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert locations == [
        absolute(f"/sitemap-{name}.xml")
        for name in ["stories", "sections", "tags", "authors", "entities"]
    ]
    for location in locations:
        assert client.get(location).status_code == 200, location


def test_the_story_sitemap_lists_every_public_story_and_no_other(client, frozen_now):
    updated = ArticleFactory(
        published=True,
        published_at=frozen_now - 5 * HOUR,
        updated_at=frozen_now - HOUR,
    )
    # Over a year old: still listed.
    old = ArticleFactory(
        published=True, published_at=frozen_now - datetime.timedelta(days=400)
    )
    hidden = not_public(frozen_now)

    root = xml_of(client, "/sitemap-stories.xml")

    lastmod = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }
    assert lastmod == {
        absolute(updated.get_absolute_url()): localdate(updated.updated_at).isoformat(),
        absolute(old.get_absolute_url()): localdate(old.published_at).isoformat(),
    }
    for story in hidden:
        assert story.slug not in ET.tostring(root, encoding="unicode")


def test_listing_sitemaps_leave_out_pages_without_a_public_story(client, frozen_now):
    author, company = AuthorFactory(), CompanyFactory()
    story = ArticleFactory(
        published=True, authors=[author], entities=[company], tags=["batteries"]
    )
    lonely_author, lonely_company = AuthorFactory(), CompanyFactory()
    ArticleFactory(
        draft=True,
        authors=[lonely_author],
        entities=[lonely_company],
        tags=["secret"],
    )

    def locations(name):
        root = xml_of(client, f"/sitemap-{name}.xml")
        return {loc.text for loc in root.findall("sm:url/sm:loc", NS)}

    assert locations("sections") == {absolute(story.section.get_absolute_url())}
    assert locations("tags") == {absolute("/tags/batteries/")}
    assert locations("authors") == {absolute(author.get_absolute_url())}
    assert locations("entities") == {absolute(company.get_absolute_url())}


def test_lastmod_is_the_newest_public_story_of_each_page(client, frozen_now):
    company = CompanyFactory()
    DAY = datetime.timedelta(days=1)
    ArticleFactory(
        published=True,
        entities=[company],
        tags=["batteries"],
        published_at=frozen_now - 9 * DAY,
    )
    newest = ArticleFactory(
        published=True,
        entities=[company],
        tags=["batteries"],
        published_at=frozen_now - 3 * DAY,
        updated_at=frozen_now - 2 * DAY,
    )
    # Newer, but not public: they move no lastmod.
    ArticleFactory(draft=True, entities=[company], tags=["batteries"])
    ArticleFactory(
        scheduled=True,
        entities=[company],
        tags=["batteries"],
        published_at=frozen_now + DAY,
    )

    def lastmods(url, path):
        root = xml_of(client, url)
        return {
            item.findtext("sm:loc", namespaces=NS): item.findtext(
                "sm:lastmod", namespaces=NS
            )
            for item in root.findall(path, NS)
        }

    published_day = localdate(newest.published_at).isoformat()
    assert lastmods("/sitemap-entities.xml", "sm:url") == {
        absolute(company.get_absolute_url()): published_day
    }
    assert lastmods("/sitemap-tags.xml", "sm:url") == {
        absolute("/tags/batteries/"): published_day
    }
    index = lastmods("/sitemap.xml", "sm:sitemap")
    # The stories sitemap counts the newest update; the lists, publishing.
    assert index[absolute("/sitemap-stories.xml")].startswith(
        localdate(newest.updated_at).isoformat()
    )
    assert index[absolute("/sitemap-entities.xml")].startswith(published_day)


def test_the_news_sitemap_lists_the_last_48_hours(client, frozen_now, settings):
    recent = ArticleFactory(
        published=True,
        headline="BMW & Great Wall <talks>",
        published_at=frozen_now - 47 * HOUR,
    )
    ArticleFactory(published=True, published_at=frozen_now - 49 * HOUR)
    ArticleFactory(published=True, published_at=frozen_now + HOUR)  # scheduled
    ArticleFactory(withdrawn=True, published_at=frozen_now - HOUR)
    ArticleFactory(draft=True)

    root = xml_of(client, reverse("news_sitemap"))

    [url] = root.findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == absolute(recent.get_absolute_url())
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == (
        settings.NEWSROOM_NAME
    )
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "BMW & Great Wall <talks>"
    published = datetime.datetime.fromisoformat(
        news.findtext("news:publication_date", namespaces=NS)
    )
    assert published == recent.published_at


def test_the_news_sitemap_window_moves_with_the_clock(client, frozen_now, time_machine):
    story = ArticleFactory(published=True, published_at=frozen_now - HOUR)
    assert len(xml_of(client, reverse("news_sitemap")).findall("sm:url", NS)) == 1

    time_machine.move_to(story.published_at + 48 * HOUR + HOUR, tick=False)
    assert xml_of(client, reverse("news_sitemap")).findall("sm:url", NS) == []


def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/preview/", "/search/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/sitemap.xml", 11),
        ("/sitemap-stories.xml", 3),
        ("/sitemap-entities.xml", 3),
        ("/sitemap-tags.xml", 3),
        ("/news-sitemap.xml", 2),
    ],
)
def test_sitemap_query_budgets(client, frozen_now, url, budget):
    """Fixed whatever the archive holds: one grouped query per kind of list
    page for every lastmod, never a query per entity, tag or author."""

    def grow(n):
        for _ in range(n):
            company = CompanyFactory()
            ArticleFactory(
                published=True,
                published_at=frozen_now - HOUR,
                authors=[AuthorFactory()],
                entities=[company],
                tags=[company.name],
            )

    grow(2)
    assert_budget(client, url, lambda: grow(10), budget)
