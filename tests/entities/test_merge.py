"""Merging a duplicate entity into the one the newsroom keeps: merge_entities
and the admin's "merge" action."""

from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import ArticleEntity
from entities.detection import current_index
from entities.merging import MergeError, merge_entities
from entities.models import (
    Alias,
    CompanyRelationship,
    Entity,
    EntityRedirect,
    ExclusionPhrase,
    MentionSuggestion,
)
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    BrandFactory,
    CompanyFactory,
    CompanyRelationshipFactory,
    EntityEventFactory,
    ExclusionPhraseFactory,
    PersonFactory,
    QuoteFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def duplicate_companies():
    """BMW Group and a duplicate of it, each with stories, suggestions,
    aliases, “not this” phrases, people, relationships, brands and events,
    some of which both have."""
    keep = CompanyFactory(name="BMW Group", slug="bmw-group")
    duplicate = CompanyFactory(name="Bayerische Motoren Werke AG", slug="bmw-ag")
    both, only_duplicate = ArticleFactory(published=True), ArticleFactory()
    ArticleEntity.objects.create(article=both, entity=keep)
    for article in (both, only_duplicate):
        ArticleEntity.objects.create(article=article, entity=duplicate)
        MentionSuggestion.objects.create(
            article=article, entity=duplicate, count=2, matched_words=["BMW AG"]
        )
    MentionSuggestion.objects.create(article=both, entity=keep, count=1)
    AliasFactory(entity=keep, name="BMW AG")
    AliasFactory(entity=duplicate, name="BMW AG")
    AliasFactory(entity=duplicate, name="BMW Munich")
    ExclusionPhraseFactory(entity=duplicate, phrase="BMW AG Ltd of Delaware")
    great_wall, brilliance = CompanyFactory(), CompanyFactory()
    return SimpleNamespace(
        keep=keep,
        duplicate=duplicate,
        both=both,
        only_duplicate=only_duplicate,
        great_wall=great_wall,
        brilliance=brilliance,
        role=RoleFactory(company=duplicate),
        from_duplicate=CompanyRelationshipFactory(
            from_company=duplicate, to_company=brilliance
        ),
        to_duplicate=CompanyRelationshipFactory(
            from_company=great_wall, to_company=duplicate
        ),
        between_them=CompanyRelationshipFactory(
            from_company=keep, to_company=duplicate
        ),
        brand=BrandFactory(name="MINI", owner=duplicate),
        event=EntityEventFactory(entity=duplicate, stories=[both]),
    )


def test_merging_moves_everything_to_the_kept_company(editor):
    graph = duplicate_companies()
    keep, duplicate = graph.keep, graph.duplicate
    merge_entities(keep, duplicate, user=editor)

    assert not Entity.objects.filter(pk=duplicate.pk).exists()
    # One link per story, whoever had it.
    assert sorted(
        ArticleEntity.objects.filter(entity=keep).values_list("article_id", flat=True)
    ) == sorted([graph.both.pk, graph.only_duplicate.pk])
    assert ArticleEntity.objects.count() == 2
    assert sorted(
        MentionSuggestion.objects.filter(entity=keep).values_list(
            "article_id", flat=True
        )
    ) == sorted([graph.both.pk, graph.only_duplicate.pk])
    # The old name is an alias now; an alias both had is there once.
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "BMW AG",
        "BMW Munich",
        "Bayerische Motoren Werke AG",
    ]
    assert list(
        ExclusionPhrase.objects.filter(entity=keep).values_list("phrase", flat=True)
    ) == ["BMW AG Ltd of Delaware"]
    graph.role.refresh_from_db()
    assert graph.role.company_id == keep.pk
    graph.brand.refresh_from_db()
    assert graph.brand.owner_id == keep.pk
    graph.event.refresh_from_db()
    assert graph.event.entity_id == keep.pk
    # Relationships follow; one between the two merged would be with itself.
    assert set(
        CompanyRelationship.objects.values_list("from_company_id", "to_company_id")
    ) == {(keep.pk, graph.brilliance.pk), (graph.great_wall.pk, keep.pk)}


def test_merging_people_moves_their_roles_and_quotes(editor):
    keep = PersonFactory(name="Harald Krueger")
    duplicate = PersonFactory(name="Harald Krüger")
    role = RoleFactory(person=duplicate)
    shared = ArticleFactory(published=True)
    quote_text = "If a Mini doesn’t end up looking like a Mini, it won’t work."
    QuoteFactory(person=keep, article=shared, text=quote_text)
    QuoteFactory(person=duplicate, article=shared, text=quote_text)
    elsewhere = QuoteFactory(person=duplicate, text=quote_text)  # another story
    other = QuoteFactory(person=duplicate, text="The talks are going well.")
    event = EntityEventFactory(entity=duplicate)

    merge_entities(keep, duplicate, user=editor)

    role.refresh_from_db()
    assert role.person_id == keep.pk
    assert sorted(keep.quotes.values_list("article_id", "text")) == sorted(
        [
            (shared.pk, quote_text),
            (elsewhere.article_id, quote_text),
            (other.article_id, "The talks are going well."),
        ]
    )
    event.refresh_from_db()
    assert event.entity_id == keep.pk
    assert list(keep.aliases.values_list("name", flat=True)) == ["Harald Krüger"]


def test_the_old_address_answers_301_with_the_kept_page(client, editor):
    graph = duplicate_companies()
    merge_entities(graph.keep, graph.duplicate, user=editor)
    response = client.get("/companies/bmw-ag/")
    assert response.status_code == 301
    assert response["Location"] == "/companies/bmw-group/"
    assert client.get("/companies/bmw-group/").status_code == 200
    # Only for its own kind of page.
    assert client.get("/people/bmw-ag/").status_code == 404


def test_an_address_merged_twice_goes_straight_to_the_last_page(client, editor):
    first, second, third = CompanyFactory(), CompanyFactory(), CompanyFactory()
    merge_entities(second, first, user=editor)
    merge_entities(third, second, user=editor)
    for merged in (first, second):
        response = client.get(f"/companies/{merged.slug}/")
        assert (response.status_code, response["Location"]) == (
            301,
            third.get_absolute_url(),
        )
    assert EntityRedirect.objects.filter(entity=third).count() == 2


def test_after_a_merge_the_old_name_is_detected_as_the_kept_entity(editor):
    graph = duplicate_companies()
    before = current_index()
    merge_entities(graph.keep, graph.duplicate, user=editor)
    [mention] = current_index().find("Bayerische Motoren Werke AG said")
    assert current_index() is not before
    assert mention.entity_ids == (graph.keep.pk,)


@pytest.mark.parametrize(
    ("keep", "duplicate"),
    [
        (CompanyFactory, PersonFactory),
        (BrandFactory, CompanyFactory),
        (PersonFactory, BrandFactory),
    ],
)
def test_only_entities_of_one_kind_merge(keep, duplicate, editor):
    keep, duplicate = keep(), duplicate()
    with pytest.raises(MergeError, match="only entities of the same kind"):
        merge_entities(keep, duplicate, user=editor)
    assert Entity.objects.filter(pk__in=[keep.pk, duplicate.pk]).count() == 2
    assert not Alias.objects.exists()


def test_an_entity_does_not_merge_into_itself(editor):
    company = CompanyFactory()
    with pytest.raises(MergeError):
        merge_entities(company, company, user=editor)
    assert Entity.objects.filter(pk=company.pk).exists()


# The admin action.


def merge_action(client, entities, **extra):
    return client.post(
        reverse("admin:entities_company_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [str(e.pk) for e in entities],
            **extra,
        },
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_editors_merge_after_a_confirmation_page(client_as):
    graph = duplicate_companies()
    editor = client_as("editor")
    selected = [graph.keep, graph.duplicate]

    confirmation = merge_action(editor, selected)
    assert confirmation.status_code == 200
    assert confirmation.templates[0].name == "admin/entities/merge_confirmation.html"
    html = confirmation.content.decode()
    for entity in selected:
        assert f'name="keep" value="{entity.pk}"' in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert Entity.objects.filter(pk=graph.duplicate.pk).exists()  # not yet

    done = merge_action(editor, selected, keep=str(graph.keep.pk), confirm="yes")
    assert done.status_code == 302
    assert not Entity.objects.filter(pk=graph.duplicate.pk).exists()
    assert graph.keep.aliases.filter(name="Bayerische Motoren Werke AG").exists()
    assert messages_of(done)[0].startswith("Merged 1 into BMW Group")


def test_the_kept_entity_must_be_one_of_those_selected(client_as):
    graph = duplicate_companies()
    response = merge_action(
        client_as("editor"),
        [graph.keep, graph.duplicate],
        keep=str(graph.great_wall.pk),
        confirm="yes",
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Choose one of them to keep."]
    assert Entity.objects.filter(pk=graph.duplicate.pk).exists()


def test_one_entity_is_not_enough_to_merge(client_as):
    company = CompanyFactory()
    response = merge_action(
        client_as("editor"), [company], keep=str(company.pk), confirm="yes"
    )
    assert messages_of(response) == ["Select at least two entities to merge."]
    assert Entity.objects.filter(pk=company.pk).exists()


def test_merging_several_is_all_or_none(client_as, monkeypatch):
    """The second merge of three is refused: the first is undone with it."""
    from entities import admin as entity_admin

    keep, first, second = CompanyFactory(), CompanyFactory(), CompanyFactory()
    ArticleFactory(entities=[first])
    done = []

    def merge_until_refused(kept, duplicate, *, user):
        if done:
            raise MergeError("Refused part way.")
        done.append(merge_entities(kept, duplicate, user=user))

    monkeypatch.setattr(entity_admin, "merge_entities", merge_until_refused)
    response = merge_action(
        client_as("editor"), [keep, first, second], keep=str(keep.pk), confirm="yes"
    )

    assert len(done) == 1
    assert messages_of(response) == ["Refused part way."]
    assert Entity.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert ArticleEntity.objects.get().entity_id == first.pk
    assert not EntityRedirect.objects.exists()


def test_journalists_cannot_merge_even_with_a_forged_post(client_as):
    graph = duplicate_companies()
    for extra in ({}, {"keep": str(graph.keep.pk), "confirm": "yes"}):
        journalist = client_as("author")
        response = merge_action(journalist, [graph.keep, graph.duplicate], **extra)
        assert response.status_code == 302
        assert messages_of(response) == ["Only editors can merge entities."]
    assert Entity.objects.filter(pk=graph.duplicate.pk).exists()
    assert not EntityRedirect.objects.exists()


def test_a_co_mention_address_follows_a_merge(client, editor):
    from entities.merging import merge_entities
    from entities.views import co_mention_url

    kept, duplicate, other = CompanyFactory(), CompanyFactory(), CompanyFactory()
    old = co_mention_url(duplicate, other)
    merge_entities(kept, duplicate, user=editor)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == co_mention_url(kept, other)


def test_a_merge_is_recorded_with_who_when_and_which_into_which(
    client_as, users, frozen_now
):
    """The editor's merge is in the kept company's admin history, and the
    duplicate's deletion is logged with what it went into."""
    from django.contrib.admin.models import CHANGE, DELETION, LogEntry

    graph = duplicate_companies()
    editor = client_as("editor")
    merge_action(
        editor,
        [graph.keep, graph.duplicate],
        keep=str(graph.keep.pk),
        confirm="yes",
    )

    kept, gone = (
        LogEntry.objects.get(object_id=str(graph.keep.pk)),
        LogEntry.objects.get(object_id=str(graph.duplicate.pk)),
    )
    assert kept.user == users["editor"] == gone.user
    assert kept.action_time == frozen_now == gone.action_time
    assert kept.action_flag == CHANGE and gone.action_flag == DELETION
    assert kept.change_message.startswith(
        f"Merged Bayerische Motoren Werke AG (#{graph.duplicate.pk}"
    )
    assert "story links" in kept.change_message
    assert gone.change_message == f"Merged into BMW Group (#{graph.keep.pk})."

    history = editor.get(
        reverse("admin:entities_company_history", args=[graph.keep.pk])
    )
    assert history.status_code == 200
    assert "Merged Bayerische Motoren Werke AG" in history.content.decode()
