"""Two desks saving the same headline at the same moment: two real
transactions on PostgreSQL, both saved, with different slugs, never a 500."""

import threading

import pytest
from django.db import connection, transaction

from articles import slugs
from articles.models import Article, Author
from entities.models import Company
from tests.factories import SectionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


def at_the_same_moment(monkeypatch, make):
    """Run ``make()`` in two threads, each in its own transaction on its own
    connection. The second chooses its slug while the first has saved but
    not committed (the first waits for that), and inserts only once the
    first has committed: the interleaving in which both desks choose the
    same slug, every time."""
    first_saved = threading.Event()
    second_chose = threading.Event()
    first_committed = threading.Event()
    chosen = threading.local()
    looked_up = slugs.unique_slug

    def unique_slug_of_the_second(queryset, text, **kwargs):
        slug = looked_up(queryset, text, **kwargs)
        if getattr(chosen, "second", False) and not first_committed.is_set():
            second_chose.set()
            first_committed.wait(timeout=30)
        return slug

    monkeypatch.setattr(slugs, "unique_slug", unique_slug_of_the_second)
    made, errors = {}, []

    def desk(name):
        chosen.second = name == "second"
        try:
            if name == "second":
                first_saved.wait(timeout=30)
            with transaction.atomic():
                made[name] = make()
                if name == "first":
                    first_saved.set()
                    second_chose.wait(timeout=30)
            if name == "first":
                first_committed.set()
        except Exception as error:  # reported below, with its traceback
            errors.append(error)
            for event in (first_saved, second_chose, first_committed):
                event.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return made["first"], made["second"]


def test_two_desks_saving_one_headline_both_save(monkeypatch):
    section = SectionFactory()
    first, second = at_the_same_moment(
        monkeypatch,
        lambda: Article.objects.create(
            headline="Great Wall and BMW sign", section=section
        ),
    )
    assert {first.slug, second.slug} == {
        "great-wall-and-bmw-sign",
        "great-wall-and-bmw-sign-2",
    }
    assert Article.objects.count() == 2


def test_two_bylines_and_two_companies_of_one_name_both_save(monkeypatch):
    first, second = at_the_same_moment(
        monkeypatch, lambda: Author.objects.create(name="Li Wei")
    )
    assert {first.slug, second.slug} == {"li-wei", "li-wei-2"}
    first, second = at_the_same_moment(
        monkeypatch, lambda: Company.objects.create(name="Great Wall Motor")
    )
    assert {first.slug, second.slug} == {"great-wall-motor", "great-wall-motor-2"}


def test_a_slug_the_desk_typed_is_never_changed(monkeypatch):
    from django.db import IntegrityError

    section = SectionFactory()
    Article.objects.create(headline="One", slug="taken", section=section)
    with pytest.raises(IntegrityError):
        Article.objects.create(headline="Two", slug="taken", section=section)
