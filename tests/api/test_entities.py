"""Companies, people and brands in the API, with aliases, roles and
relationships and their dates; sections, tags and authors."""

import datetime

import pytest
from django.urls import reverse

from tests.budgets import assert_budget
from tests.factories import (
    AliasFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    CompanyRelationshipFactory,
    PersonFactory,
    RoleFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bmw():
    bmw = CompanyFactory(name="BMW Group", slug="bmw-group", country="Germany")
    AliasFactory(entity=bmw, name="Bayerische Motoren Werke")
    AliasFactory(entity=bmw, name="BMW AG")
    BrandFactory(name="MINI", slug="mini", owner=bmw)
    krueger = PersonFactory(name="Harald Krueger", slug="harald-krueger")
    RoleFactory(
        person=krueger,
        company=bmw,
        title="Chairman of the board of management",
        start_date=datetime.date(2015, 5, 13),
        end_date=datetime.date(2019, 8, 15),
    )
    great_wall = CompanyFactory(name="Great Wall Motor", slug="great-wall-motor")
    CompanyRelationshipFactory(
        from_company=bmw,
        to_company=great_wall,
        kind="letter_of_intent",
        status="active",
        start_date=datetime.date(2018, 7, 10),
    )
    return bmw


def test_a_company_with_aliases_brands_roles_and_relationships(api_client, bmw):
    company = api_client.get(reverse("api:company", args=["bmw-group"])).json()
    assert company["kind"] == "company"
    assert company["aliases"] == ["BMW AG", "Bayerische Motoren Werke"]
    assert [b["slug"] for b in company["brands"]] == ["mini"]
    (role,) = company["roles"]
    assert role["person"]["slug"] == "harald-krueger"
    assert role["person"]["api_url"].endswith("/api/v1/people/harald-krueger/")
    assert (role["start_date"], role["end_date"], role["current"]) == (
        "2015-05-13",
        "2019-08-15",
        False,
    )
    (tie,) = company["relationships"]
    assert tie["company"]["slug"] == "great-wall-motor"
    assert tie["kind"] == "letter_of_intent"
    assert tie["description"] == "Letter of intent with"
    assert tie["start_date"] == "2018-07-10"
    assert company["stories"].endswith("/api/v1/stories/?entity=bmw-group")


def test_a_relationship_reads_from_the_other_side_too(api_client, bmw):
    CompanyRelationshipFactory(
        from_company=bmw,
        to_company=CompanyFactory(name="BMW Brilliance", slug="bmw-brilliance"),
        kind="subsidiary",
    )
    brilliance = api_client.get(reverse("api:company", args=["bmw-brilliance"])).json()
    (tie,) = brilliance["relationships"]
    assert (tie["company"]["slug"], tie["description"]) == (
        "bmw-group",
        "Subsidiary of",
    )


def test_a_person_and_a_brand(api_client, bmw):
    person = api_client.get(reverse("api:person", args=["harald-krueger"])).json()
    assert person["roles"][0]["company"]["slug"] == "bmw-group"
    brand = api_client.get(reverse("api:brand", args=["mini"])).json()
    assert brand["owner"]["slug"] == "bmw-group"


def test_an_unknown_entity_is_not_found(api_client, bmw):
    assert api_client.get(reverse("api:person", args=["bmw-group"])).status_code == 404


def test_lists_of_entities_sections_tags_and_authors(api_client, bmw, story):
    companies = api_client.get(reverse("api:companies")).json()["results"]
    assert [c["slug"] for c in companies] == ["bmw-group", "great-wall-motor"]
    story("published", tags=["Electric"], section=SectionFactory(slug="automotive"))
    story("draft", tags=["Secret plans"])
    tags = api_client.get(reverse("api:tags")).json()["results"]
    assert [t["slug"] for t in tags] == ["electric"]
    sections = api_client.get(reverse("api:sections")).json()["results"]
    assert "automotive" in [s["slug"] for s in sections]
    AuthorFactory(name="Clara Ashdown", slug="clara-ashdown")
    author = api_client.get(reverse("api:author", args=["clara-ashdown"])).json()
    assert author["stories"].endswith("/api/v1/stories/?author=clara-ashdown")


def test_entity_budgets_do_not_grow(api_client, bmw):
    def grow():
        for _ in range(3):
            AliasFactory(entity=bmw)
            BrandFactory(owner=bmw)
            RoleFactory(company=bmw, person=PersonFactory())
            CompanyRelationshipFactory(from_company=bmw, to_company=CompanyFactory())
            CompanyRelationshipFactory(from_company=CompanyFactory(), to_company=bmw)

    # generation, company, aliases, brands, roles, relationships both ways
    assert_budget(api_client, reverse("api:company", args=["bmw-group"]), grow, 7)
    # generation, companies, their aliases
    assert_budget(api_client, reverse("api:companies"), grow, 3)
    assert_budget(api_client, reverse("api:authors"), lambda: AuthorFactory(), 2)
