import datetime

import pytest
from django.db import IntegrityError, transaction

from entities.models import CompanyRelationship, Entity
from tests.factories import (
    AliasFactory,
    BrandFactory,
    CompanyFactory,
    CompanyRelationshipFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def test_each_kind_knows_its_kind_and_url():
    company = CompanyFactory(name="BMW Group")
    person = PersonFactory(name="Harald Krueger")
    brand = BrandFactory(name="MINI", owner=company)
    assert company.kind == Entity.Kind.COMPANY
    assert company.get_absolute_url() == "/companies/bmw-group/"
    assert person.get_absolute_url() == "/people/harald-krueger/"
    assert brand.get_absolute_url() == "/brands/mini/"
    # The shared table answers with the same URL, without touching the child.
    assert Entity.objects.get(pk=brand.pk).get_absolute_url() == "/brands/mini/"


def test_slugs_are_unique_per_kind_only():
    company = CompanyFactory(name="MINI")
    brand = BrandFactory(name="MINI")
    other = CompanyFactory(name="MINI")
    assert company.slug == brand.slug == "mini"
    assert other.slug == "mini-2"


def test_slug_clash_is_refused_by_the_database():
    CompanyFactory(slug="bmw")
    with pytest.raises(IntegrityError):
        CompanyFactory(slug="bmw")


def test_alias_names_are_unique_per_entity():
    alias = AliasFactory(name="BMW AG")
    with pytest.raises(IntegrityError):
        AliasFactory(entity=alias.entity, name="BMW AG")


def test_role_dates_must_be_in_order():
    with pytest.raises(IntegrityError):
        RoleFactory(
            start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2015, 1, 1)
        )


def test_current_roles():
    role = RoleFactory(
        start_date=datetime.date(2015, 5, 13), end_date=datetime.date(2019, 8, 15)
    )
    assert not role.is_current
    assert role.person.roles.current(on=datetime.date(2018, 1, 1)).get() == role
    assert not role.person.roles.current(on=datetime.date(2020, 1, 1)).exists()


def test_a_company_cannot_relate_to_itself():
    company = CompanyFactory()
    with pytest.raises(IntegrityError):
        CompanyRelationshipFactory(from_company=company, to_company=company)


def test_relationships_read_from_both_sides():
    parent, child = CompanyFactory(), CompanyFactory()
    relationship = CompanyRelationshipFactory(
        from_company=parent,
        to_company=child,
        kind=CompanyRelationship.Kind.SUBSIDIARY,
    )
    assert relationship.wording_for(parent) == "Parent company of"
    assert relationship.other_company(parent) == child
    assert relationship.wording_for(child) == "Subsidiary of"
    assert relationship.other_company(child) == parent


def test_an_entity_without_a_kind_is_refused():
    """Its page's address is its kind's: a bare Entity would have none."""
    with pytest.raises(ValueError, match="company, a person or a brand"):
        Entity.objects.create(name="Great Wall Motor")
    assert not Entity.objects.exists()


def test_the_database_refuses_an_entity_without_a_kind_too():
    company = CompanyFactory(name="Great Wall Motor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.filter(pk=company.pk).update(kind="")
