import datetime

import pytest
from django.utils import timezone

from entities.models import CompanyRelationship
from tests.budgets import assert_budget
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    CompanyRelationshipFactory,
    EntityEventFactory,
    ImageFactory,
    PersonFactory,
    QuoteFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def test_entity_pages_list_exactly_the_public_stories_linked_to_them(client):
    company, person, brand = CompanyFactory(), PersonFactory(), BrandFactory()
    for entity in (company, person, brand):
        linked = ArticleFactory(published=True, entities=[entity])
        ArticleFactory(published=True)  # not linked
        ArticleFactory(status="draft", entities=[entity])
        ArticleFactory(
            status="published",
            published_at=timezone.now() + datetime.timedelta(hours=1),
            entities=[entity],
        )
        response = client.get(entity.get_absolute_url())
        assert response.status_code == 200
        assert list(response.context["stories"]) == [linked]


def test_company_page_shows_profile_and_relations_from_both_sides(client):
    bmw = CompanyFactory(
        name="BMW Group",
        country="Germany",
        headquarters="Munich",
        founded=1916,
        website="https://www.bmwgroup.com/",
        description="A carmaker from Munich.",
    )
    AliasFactory(entity=bmw, name="Bayerische Motoren Werke")
    brilliance = CompanyFactory(name="Brilliance Auto")
    great_wall = CompanyFactory(name="Great Wall Motor")
    CompanyRelationshipFactory(
        from_company=bmw,
        to_company=brilliance,
        kind=CompanyRelationship.Kind.JOINT_VENTURE,
        start_date=datetime.date(2003, 5, 1),
    )
    CompanyRelationshipFactory(
        from_company=great_wall,
        to_company=bmw,
        kind=CompanyRelationship.Kind.LETTER_OF_INTENT,
        status=CompanyRelationship.Status.IN_TALKS,
        start_date=datetime.date(2018, 7, 10),
    )
    BrandFactory(name="MINI", owner=bmw)
    RoleFactory(
        person=PersonFactory(name="Harald Krueger"),
        company=bmw,
        title="Chairman of the Board of Management",
        end_date=datetime.date(2019, 8, 15),
    )
    html = client.get(bmw.get_absolute_url()).content.decode()
    for expected in [
        "BMW Group",
        "Bayerische Motoren Werke",
        "Munich",
        "1916",
        "https://www.bmwgroup.com/",
        "A carmaker from Munich.",
        brilliance.get_absolute_url(),
        "Joint venture with",
        great_wall.get_absolute_url(),
        "Letter of intent with",
        "In talks",
        "/brands/mini/",
        "/people/harald-krueger/",
        "Chairman of the Board of Management",
    ]:
        assert expected in html, expected
    assert (
        "Joint venture with"
        in client.get(brilliance.get_absolute_url()).content.decode()
    )


def test_person_page_shows_roles(client):
    role = RoleFactory(title="Chairman of the Board of Management")
    html = client.get(role.person.get_absolute_url()).content.decode()
    assert "Chairman of the Board of Management" in html
    assert role.company.get_absolute_url() in html


def test_brand_page_shows_its_owner(client):
    brand = BrandFactory()
    html = client.get(brand.get_absolute_url()).content.decode()
    assert brand.owner.get_absolute_url() in html


def test_the_wrong_kind_of_entity_is_not_found(client):
    company = CompanyFactory(slug="bmw-group")
    assert client.get(f"/people/{company.slug}/").status_code == 404
    assert client.get("/companies/unknown/").status_code == 404


def linked_stories(entity, n):
    """n public stories about ``entity``, each also naming another company,
    and a timeline event behind each."""
    author = AuthorFactory()
    for _ in range(n):
        story = ArticleFactory(
            published=True,
            entities=[entity, CompanyFactory()],
            authors=[author],
            lead_image=ImageFactory(),
        )
        EntityEventFactory(entity=entity, stories=[story])


def test_company_page_query_budget(client):
    company = CompanyFactory()
    linked_stories(company, 5)

    def grow():
        linked_stories(company, 45)
        for _ in range(10):
            AliasFactory(entity=company)
            BrandFactory(owner=company)
            RoleFactory(company=company)
            CompanyRelationshipFactory(from_company=company)
            CompanyRelationshipFactory(to_company=company)

    assert_budget(client, company.get_absolute_url(), grow, budget=13, warm=3)


def test_person_page_query_budget(client):
    person = PersonFactory()
    linked_stories(person, 5)
    QuoteFactory(person=person)

    def grow():
        linked_stories(person, 45)
        for _ in range(10):
            RoleFactory(person=person)
            AliasFactory(entity=person)
            QuoteFactory(person=person)

    assert_budget(client, person.get_absolute_url(), grow, budget=12, warm=3)


def test_brand_page_query_budget(client):
    brand = BrandFactory()
    linked_stories(brand, 5)

    def grow():
        linked_stories(brand, 45)
        for _ in range(10):
            AliasFactory(entity=brand)

    assert_budget(client, brand.get_absolute_url(), grow, budget=10, warm=3)
