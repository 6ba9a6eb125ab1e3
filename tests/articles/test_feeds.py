"""RSS 2.0 (with Media RSS) and Atom feeds: the latest public stories, and
those of one section, tag, author, company, person or brand."""

import calendar
import datetime
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    ImageFactory,
    PersonFactory,
    SectionFactory,
    picture_bytes,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
KINDS = ["sections", "tags", "authors", "companies", "people", "brands"]


def parse(client, url):
    """The feed at ``url``, parsed from the bytes served, which must be
    well-formed."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def timestamp(when: datetime.datetime) -> int:
    return int(when.timestamp())


def parsed_timestamp(struct_time) -> int:
    return calendar.timegm(struct_time)


@pytest.fixture
def newsroom(frozen_now):
    """One public story of each place a feed can list, plus one public story
    elsewhere, and a story in every state readers may not see in the same
    places."""
    section = SectionFactory(name="Automotive", slug="automotive")
    anna, tom = AuthorFactory(name="Anna Schmidt"), AuthorFactory(name="Tom Wexford")
    company = CompanyFactory(name="Great Wall Motor", slug="great-wall-motor")
    person = PersonFactory(name="Harald Krueger", slug="harald-krueger")
    brand = BrandFactory(name="MINI", slug="mini")
    places = {
        "section": section,
        "authors": [anna, tom],
        "tags": ["electric cars"],
        "entities": [company, person, brand],
    }
    lead = ArticleFactory(
        published=True,
        headline="BMW and Great Wall talk electric MINIs",
        dek="Talks are going well, the chief executive says.",
        published_at=frozen_now - 2 * HOUR,
        updated_at=frozen_now - HOUR,
        lead_image=ImageFactory(
            file=ContentFile(picture_bytes(320, 180), name="lead.jpg")
        ),
        **places,
    )
    elsewhere = ArticleFactory(
        published=True,
        headline="Bank results beat forecasts",
        published_at=frozen_now - 3 * HOUR,
        authors=[AuthorFactory(name="Zoe Banker")],
        tags=["banks"],
        entities=[CompanyFactory(name="A Bank", slug="a-bank")],
    )
    hidden = [
        ArticleFactory(**{state: True}, headline=f"Hidden {state} story", **places)
        for state in ["draft", "in_review", "scheduled", "withdrawn"]
    ]
    return {
        "lead": lead,
        "elsewhere": elsewhere,
        "hidden": hidden,
        "feeds": {
            "sections": section,
            "tags": lead.tags.get(),
            "authors": anna,
            "companies": company,
            "people": person,
            "brands": brand,
        },
    }


def all_feed_urls(newsroom):
    urls = [reverse("articles:feed_latest"), reverse("articles:feed_latest_atom")]
    for kind, obj in newsroom["feeds"].items():
        urls.append(reverse(f"articles:feed_{kind}", kwargs={"slug": obj.slug}))
        urls.append(reverse(f"articles:feed_{kind}_atom", kwargs={"slug": obj.slug}))
    return urls


def test_every_feed_is_well_formed_and_lists_exactly_its_public_stories(
    client, newsroom
):
    lead, elsewhere = newsroom["lead"], newsroom["elsewhere"]
    for url in all_feed_urls(newsroom):
        feed = parse(client, url)
        links = [entry.link for entry in feed.entries]
        everything = url.startswith("/feeds/latest/")
        expected = [lead, elsewhere] if everything else [lead]
        assert links == [
            f"http://testserver{story.get_absolute_url()}" for story in expected
        ], url
        for story in newsroom["hidden"]:
            assert story.headline not in str(feed), url


def test_rss_items_carry_everything_a_reader_shows(client, newsroom):
    lead = newsroom["lead"]
    image = lead.lead_image

    response = client.get(reverse("articles:feed_latest"))
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)

    assert feed.version == "rss20"
    assert feed.feed.title == "The Newsroom"
    entry = feed.entries[0]
    assert entry.title == "BMW and Great Wall talk electric MINIs"
    assert entry.id == f"urn:newsroom:story:{lead.pk}"
    assert entry.guidislink is False
    assert parsed_timestamp(entry.published_parsed) == timestamp(lead.published_at)
    assert entry.author == "Anna Schmidt, Tom Wexford"
    assert entry.summary == "Talks are going well, the chief executive says."
    assert [tag.term for tag in entry.tags] == ["Automotive"]
    image_url = f"http://testserver{image.file.url}"
    assert [(e.href, e.type, e.length) for e in entry.enclosures] == [
        (image_url, "image/jpeg", str(image.file_size))
    ]
    assert int(entry.enclosures[0].length) > 0
    assert entry.media_content == [
        {
            "url": image_url,
            "medium": "image",
            "type": "image/jpeg",
            "width": "320",
            "height": "180",
        }
    ]
    # A story without a picture has neither.
    assert "enclosures" not in feed.entries[1] or not feed.entries[1].enclosures
    assert "media_content" not in feed.entries[1]


def test_atom_entries_carry_everything_a_reader_shows(client, newsroom):
    lead = newsroom["lead"]

    response = client.get(reverse("articles:feed_latest_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)

    assert feed.version == "atom10"
    entry = feed.entries[0]
    assert entry.id == f"urn:newsroom:story:{lead.pk}"
    assert entry.title == "BMW and Great Wall talk electric MINIs"
    assert parsed_timestamp(entry.published_parsed) == timestamp(lead.published_at)
    assert parsed_timestamp(entry.updated_parsed) == timestamp(lead.updated_at)
    assert entry.author == "Anna Schmidt, Tom Wexford"
    assert entry.summary == "Talks are going well, the chief executive says."
    [enclosure] = entry.enclosures
    assert enclosure.href == f"http://testserver{lead.lead_image.file.url}"
    assert enclosure.type == "image/jpeg"
    # Never updated: the publish time stands in.
    other = feed.entries[1]
    assert other.updated_parsed == other.published_parsed


@pytest.mark.parametrize(
    ("image_format", "extension", "mime_type"),
    [("PNG", "png", "image/png"), ("WEBP", "webp", "image/webp")],
)
def test_the_enclosure_type_is_the_pictures_own(
    client, frozen_now, image_format, extension, mime_type
):
    ArticleFactory(
        published=True,
        lead_image=ImageFactory(
            file=ContentFile(
                picture_bytes(64, 36, image_format), name=f"chart.{extension}"
            )
        ),
    )
    rss = parse(client, reverse("articles:feed_latest")).entries[0]
    atom = parse(client, reverse("articles:feed_latest_atom")).entries[0]
    assert rss.enclosures[0].type == mime_type
    assert rss.media_content[0]["type"] == mime_type
    assert atom.enclosures[0].type == mime_type


def test_guids_survive_a_change_of_slug(client, newsroom):
    lead = newsroom["lead"]
    url = reverse("articles:feed_latest")
    before = parse(client, url).entries[0]

    lead.slug = "bmw-great-wall-talks-renamed"
    lead.save()

    after = parse(client, url).entries[0]
    assert after.id == before.id == f"urn:newsroom:story:{lead.pk}"
    assert after.link == "http://testserver/stories/bmw-great-wall-talks-renamed/"
    assert after.link != before.link


def test_the_latest_feed_is_newest_first_and_bounded(client, frozen_now):
    stories = [
        ArticleFactory(published=True, published_at=frozen_now - n * HOUR)
        for n in range(1, 23)
    ]
    feed = parse(client, reverse("articles:feed_latest"))
    assert [entry.id for entry in feed.entries] == [
        f"urn:newsroom:story:{story.pk}" for story in stories[:20]
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", ["", "_atom"])
def test_an_unknown_slug_answers_404(client, db, kind, suffix):
    url = reverse(f"articles:feed_{kind}{suffix}", kwargs={"slug": "no-such-thing"})
    assert client.get(url).status_code == 404


def test_an_entity_feed_only_answers_for_its_own_kind(client, newsroom):
    company = newsroom["feeds"]["companies"]
    url = reverse("articles:feed_people", kwargs={"slug": company.slug})
    assert client.get(url).status_code == 404


def alternate_links(html):
    return set(
        re.findall(
            r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)"'
            r' title="[^"]*" href="([^"]*)">',
            html,
        )
    )


def test_pages_link_their_feeds(client, newsroom):
    latest = {
        ("application/rss+xml", reverse("articles:feed_latest")),
        ("application/atom+xml", reverse("articles:feed_latest_atom")),
    }
    pages = {
        reverse("articles:home"): set(),
        newsroom["lead"].get_absolute_url(): set(),
    }
    for kind, obj in newsroom["feeds"].items():
        page = (
            reverse("articles:tag", kwargs={"slug": obj.slug})
            if kind == "tags"
            else obj.get_absolute_url()
        )
        pages[page] = {
            (
                "application/rss+xml",
                reverse(f"articles:feed_{kind}", kwargs={"slug": obj.slug}),
            ),
            (
                "application/atom+xml",
                reverse(f"articles:feed_{kind}_atom", kwargs={"slug": obj.slug}),
            ),
        }
    for page, own in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        links = alternate_links(response.content.decode())
        assert links == latest | own, page
        for _, href in links:
            assert client.get(href).status_code == 200, href


def test_latest_feed_query_budget(client, frozen_now):
    authors = [AuthorFactory(), AuthorFactory()]

    def grow(n):
        for _ in range(n):
            ArticleFactory(
                published=True,
                authors=authors,
                lead_image=ImageFactory(),
                section=SectionFactory(),
                tags=["bmw"],
            )

    grow(2)
    assert_budget(client, reverse("articles:feed_latest"), lambda: grow(18), budget=4)


def test_entity_feed_query_budget(client, frozen_now):
    company = CompanyFactory()

    def grow(n):
        for _ in range(n):
            ArticleFactory(
                published=True,
                authors=[AuthorFactory()],
                lead_image=ImageFactory(),
                entities=[company],
            )

    grow(2)
    url = reverse("articles:feed_companies_atom", kwargs={"slug": company.slug})
    assert_budget(client, url, lambda: grow(18), budget=5)
