"""The entity graph on public pages: relationships, brands, the timeline,
"Often covered with" and the page of stories two entities share, and the
pages' query budgets as the graph grows."""

import datetime
import re

import pytest
from django.utils import timezone

from entities.models import CompanyRelationship
from entities.views import co_mention_url, often_covered_with
from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    CompanyRelationshipFactory,
    EntityEventFactory,
    ImageFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


def section(html, heading_id):
    """The HTML of the page section labelled by ``heading_id``, or ''."""
    start = html.find(f'id="{heading_id}">')
    if start == -1:
        return ""
    start = html.index(">", start) + 1
    return html[start : html.index("</section>", start)]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def public_story(*entities, **kwargs):
    return ArticleFactory(published=True, entities=list(entities), **kwargs)


def hidden_stories(*entities):
    """A draft, a scheduled and a withdrawn story linking ``entities``:
    none of them may count on a public page."""
    return [
        ArticleFactory(**{state: True}, entities=list(entities))
        for state in ("draft", "scheduled", "withdrawn")
    ]


def test_company_page_shows_relationships_with_their_dates(client, demo_entities):
    bmw = demo_entities["bmw-group"]
    CompanyRelationshipFactory(
        from_company=CompanyFactory(name="Spotlight Automotive"),
        to_company=bmw,
        kind=CompanyRelationship.Kind.PARTNERSHIP,
        status=CompanyRelationship.Status.ENDED,
        start_date=datetime.date(2019, 11, 1),
        end_date=datetime.date(2024, 3, 31),
    )
    relationships = section(
        client.get(bmw.get_absolute_url()).content.decode(), "relationships-heading"
    )
    items = [text_of(item) for item in relationships.split('<li class="relation">')[1:]]
    assert items == [
        "Partner of Spotlight Automotive Partnership Ended Nov 2019 – Mar 2024",
        "Letter of intent with Great Wall Motor Letter of intent In talks since "
        "Jul 2018 Letter of intent signed in July 2018, followed by talks about a "
        "joint venture to build electric MINIs in China.",
        "Joint venture with Brilliance Auto Joint venture Active since May 2003 "
        "BMW Brilliance Automotive, set up in 2003 and based in Shenyang, builds "
        "BMW cars for Chinese customers.",
    ]
    assert demo_entities["brilliance-auto"].get_absolute_url() in relationships
    assert '<time datetime="2003-05">May 2003</time>' in relationships
    assert '<span class="badge badge--in_talks">In talks</span>' in relationships


def test_the_other_company_shows_the_relationship_too(client, demo_entities):
    html = client.get(demo_entities["great-wall-motor"].get_absolute_url())
    relationships = section(html.content.decode(), "relationships-heading")
    assert text_of(relationships).startswith("Relationships Letter of intent with BMW")


def test_company_page_lists_its_brands(client, demo_entities):
    brands = section(
        client.get(demo_entities["bmw-group"].get_absolute_url()).content.decode(),
        "brands-heading",
    )
    assert '<a class="entity-link" href="/brands/mini/">MINI</a>' in brands
    assert '<a class="entity-link" href="/brands/bmw/">BMW</a>' in brands
    assert "United Kingdom, founded 1959" in text_of(brands)


def test_the_timeline_shows_events_newest_first_with_their_public_stories(
    client, demo_entities
):
    bmw = demo_entities["bmw-group"]
    public = public_story(bmw, headline="BMW and Great Wall sign")
    EntityEventFactory(
        entity=bmw,
        date=datetime.date(2018, 7, 10),
        title="Letter of intent signed with Great Wall Motor",
        description="The first step towards electric MINIs built in China.",
        stories=[public, *hidden_stories(bmw)],
    )
    EntityEventFactory(
        entity=bmw, date=datetime.date(2003, 5, 1), title="BMW Brilliance set up"
    )
    EntityEventFactory(entity=demo_entities["mini"], title="Not BMW Group's event")
    timeline = section(
        client.get(bmw.get_absolute_url()).content.decode(), "timeline-heading"
    )
    assert text_of(timeline) == (
        "Timeline 10 July 2018 Letter of intent signed with Great Wall Motor The "
        "first step towards electric MINIs built in China. Read: BMW and Great Wall "
        "sign 1 May 2003 BMW Brilliance set up"
    )
    assert f'<a href="{public.get_absolute_url()}">' in timeline


def test_often_covered_with_counts_shared_public_stories(client, demo_entities):
    bmw, great_wall = demo_entities["bmw-group"], demo_entities["great-wall-motor"]
    brilliance, krueger = (
        demo_entities["brilliance-auto"],
        demo_entities["harald-krueger"],
    )
    public_story(bmw, great_wall)
    public_story(bmw, great_wall, krueger)
    public_story(bmw, brilliance)
    hidden_stories(bmw, great_wall, brilliance, krueger)
    public_story(great_wall, brilliance)  # not about BMW Group

    assert [(e.name, n) for e, n in often_covered_with(bmw)] == [
        ("Great Wall Motor", 2),
        ("Brilliance Auto", 1),
        ("Harald Krueger", 1),
    ]
    covered = section(
        client.get(bmw.get_absolute_url()).content.decode(), "covered-with-heading"
    )
    assert (
        '<a class="relation__stories" '
        'href="/companies/bmw-group/with/companies/great-wall-motor/">'
        "2 stories together</a>"
    ) in covered
    assert (
        'href="/companies/bmw-group/with/people/harald-krueger/">1 story together</a>'
    ) in covered
    assert text_of(covered).startswith(
        "Often covered with Company Great Wall Motor 2 stories together"
    )


def test_often_covered_with_keeps_to_the_six_most_shared(db):
    bmw = CompanyFactory(name="BMW Group")
    others = [CompanyFactory(name=f"Company {n}") for n in range(8)]
    for n, other in enumerate(others):
        for _ in range(n % 3 + 1):
            public_story(bmw, other)
    assert [(e.name, n) for e, n in often_covered_with(bmw)] == [
        ("Company 2", 3),
        ("Company 5", 3),
        ("Company 1", 2),
        ("Company 4", 2),
        ("Company 7", 2),
        ("Company 0", 1),
    ]


def test_an_entity_without_shared_stories_has_no_such_section(client, db):
    company = CompanyFactory()
    public_story(company)
    html = client.get(company.get_absolute_url()).content.decode()
    assert 'id="covered-with-heading"' not in html


def test_the_co_mention_page_lists_exactly_the_public_stories_of_both(
    client, demo_entities
):
    bmw, great_wall = demo_entities["bmw-group"], demo_entities["great-wall-motor"]
    now = timezone.now()
    older = public_story(bmw, great_wall, published_at=now - datetime.timedelta(days=2))
    newer = public_story(bmw, great_wall, demo_entities["mini"])
    hidden_stories(bmw, great_wall)
    public_story(bmw)
    public_story(great_wall)

    url = co_mention_url(bmw, great_wall)
    assert url == "/companies/bmw-group/with/companies/great-wall-motor/"
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["stories"]) == [newer, older]
    html = response.content.decode()
    assert "<title>BMW Group and Great Wall Motor | " in html
    # The other way round, the same stories.
    response = client.get(co_mention_url(great_wall, bmw))
    assert list(response.context["stories"]) == [newer, older]


def test_co_mention_pages_across_kinds(client, demo_entities):
    krueger, mini = demo_entities["harald-krueger"], demo_entities["mini"]
    story = public_story(krueger, mini)
    url = co_mention_url(krueger, mini)
    assert url == "/people/harald-krueger/with/brands/mini/"
    assert list(client.get(url).context["stories"]) == [story]


@pytest.mark.parametrize(
    "url",
    [
        "/companies/bmw-group/with/people/great-wall-motor/",
        "/companies/bmw-group/with/companies/no-such-company/",
        "/brands/bmw-group/with/companies/great-wall-motor/",
    ],
)
def test_co_mention_pages_of_unknown_entities_are_not_found(client, demo_entities, url):
    assert client.get(url).status_code == 404


# Query budgets: the numbers pinned in test_pages.py, held as the graph grows.


def grow_graph(entity, n):
    """n more public stories about ``entity``, each shared with a new
    company, person and brand, a timeline event behind each (with hidden
    stories too) and, for a person, quotes."""
    author = AuthorFactory()
    for _ in range(n):
        others = [CompanyFactory(), PersonFactory(), BrandFactory()]
        story = public_story(
            entity, *others, authors=[author], lead_image=ImageFactory()
        )
        EntityEventFactory(entity=entity, stories=[story, *hidden_stories(entity)])
        if entity.kind == "person":
            QuoteFactory(person=entity, article=story, text="Confirmed.")
            QuoteFactory(person=entity, article=story, text="Not yet.", confirmed=False)


@pytest.mark.parametrize(
    ("make", "budget"),
    [(CompanyFactory, 13), (PersonFactory, 12), (BrandFactory, 10)],
)
def test_entity_page_budgets_hold_as_the_graph_grows(client, make, budget):
    entity = make()
    grow_graph(entity, 2)
    assert_budget(
        client, entity.get_absolute_url(), lambda: grow_graph(entity, 20), budget
    )


def test_co_mention_page_budget(client):
    bmw, great_wall = CompanyFactory(), CompanyFactory()
    author = AuthorFactory()

    def grow(n):
        for _ in range(n):
            public_story(
                bmw,
                great_wall,
                PersonFactory(),
                authors=[author, AuthorFactory()],
                lead_image=ImageFactory(),
            )

    grow(2)
    assert_budget(client, co_mention_url(bmw, great_wall), lambda: grow(20), 8, warm=4)
