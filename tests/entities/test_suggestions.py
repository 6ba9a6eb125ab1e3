"""From mentions to suggestions and links: record_suggestions, accepting and
dismissing, auto-accept on save, and the story form's live endpoints."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleEntity
from entities.mentions import accept, dismiss, record_suggestions
from entities.models import DetectionSettings, MentionSuggestion
from tests.budgets import assert_budget
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    BrandFactory,
    CompanyFactory,
    SectionFactory,
    UserFactory,
    article_form_data,
)

pytestmark = pytest.mark.django_db

State = MentionSuggestion.State

BODY = (
    "<p>Great Wall Motor and BMW are in talks. Great Wall says Harald Krüger "
    "agreed.</p><p>BMW says a MINI must look like a MINI.</p>"
)


def suggestions(article):
    """The story's suggestions: {entity name: (state, count, words, ambiguous)}."""
    return {
        s.entity.name: (s.state, s.count, s.matched_words, s.ambiguous)
        for s in article.suggestions.select_related("entity")
    }


def linked(article):
    return set(article.entities.values_list("name", flat=True))


def set_auto_accept(on):
    settings = DetectionSettings.load()
    settings.auto_accept = on
    settings.save()


def save_in_admin(client, article=None, **fields):
    """Save a story through the admin's story form; return the story."""
    if article is None:
        url = reverse("admin:articles_article_add")
    else:
        url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_form_data(article, **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(pk=article.pk) if article else Article.objects.get()


def test_record_suggestions_keeps_what_was_found(demo_entities):
    article = ArticleFactory(headline="Talks", dek="", body=BODY)
    summary = record_suggestions(article, link_unambiguous=False)
    assert summary == {"found": 4, "linked": 0, "pending": 4, "dismissed": 0}
    assert suggestions(article) == {
        "Great Wall Motor": (
            State.PENDING,
            2,
            ["Great Wall Motor", "Great Wall"],
            False,
        ),
        "Harald Krueger": (State.PENDING, 1, ["Harald Krüger"], False),
        "MINI": (State.PENDING, 2, ["MINI"], False),
        # "BMW" is the group or the brand; a story that names the group's
        # brand MINI, its partner Great Wall and its chief means the group,
        # and the suggestion says why.
        "BMW Group": (State.PENDING, 2, ["BMW"], False),
    }
    [why] = article.suggestions.get(entity=demo_entities["bmw-group"]).reasons
    assert why.startswith("chosen over BMW: story names ")
    assert linked(article) == set()


def test_a_suggestion_no_longer_mentioned_goes_away(demo_entities):
    article = ArticleFactory(headline="Talks", dek="", body=BODY)
    record_suggestions(article, link_unambiguous=False)
    article.body = "<p>Only MINI now.</p>"
    article.save()
    record_suggestions(article, link_unambiguous=False)
    assert set(suggestions(article)) == {"MINI"}


def test_accepting_links_the_story_and_its_public_pages_show_it(client, demo_entities):
    great_wall = demo_entities["great-wall-motor"]
    public = ArticleFactory(published=True, body=BODY)
    draft = ArticleFactory(draft=True, body=BODY)
    page = great_wall.get_absolute_url()
    assert public.headline not in client.get(page).content.decode()  # now cached

    for article in (public, draft):
        record_suggestions(article, link_unambiguous=False)
        accept(article.suggestions.get(entity=great_wall))
        assert linked(article) == {"Great Wall Motor"}
        assert suggestions(article)["Great Wall Motor"][0] == State.ACCEPTED

    response = client.get(page)
    assert list(response.context["stories"]) == [public]
    assert public.headline in response.content.decode()
    assert draft.headline not in response.content.decode()


def test_accepting_twice_links_once(demo_entities):
    article = ArticleFactory(body=BODY)
    record_suggestions(article, link_unambiguous=False)
    suggestion = article.suggestions.get(entity=demo_entities["mini"])
    accept(suggestion)
    accept(suggestion)
    assert ArticleEntity.objects.filter(article=article).count() == 1


def test_a_dismissal_is_remembered_across_saves_and_rescans(demo_entities):
    article = ArticleFactory(body=BODY)
    record_suggestions(article, link_unambiguous=False)
    dismiss(article.suggestions.get(entity=demo_entities["great-wall-motor"]))

    article.body += "<p>Great Wall Motor again.</p>"
    article.save()
    record_suggestions(article, link_unambiguous=True)
    call_command("rescan_mentions", stdout=io.StringIO())

    great_wall = suggestions(article)["Great Wall Motor"]
    assert great_wall == (
        State.DISMISSED,
        3,
        ["Great Wall Motor", "Great Wall"],
        False,
    )
    assert linked(article) == {"BMW Group", "Harald Krueger", "MINI"}


def test_auto_accept_links_clear_mentions_on_save_but_never_ambiguous_ones(
    client_as, demo_entities
):
    set_auto_accept(True)
    editor = client_as("editor")
    article = save_in_admin(editor, headline="BMW and Great Wall Motor", body=BODY)
    assert linked(article) == {
        "BMW Group",
        "Great Wall Motor",
        "Harald Krueger",
        "MINI",
    }
    assert suggestions(article)["Great Wall Motor"][0] == State.ACCEPTED


def test_auto_accept_never_links_an_ambiguity_left_open(client_as, demo_entities):
    set_auto_accept(True)
    # Nothing in this one says whether "BMW" is the group or the brand.
    other = save_in_admin(
        client_as("editor"),
        headline="BMW at the motor show",
        dek="Every maker brought a concept.",
        body="<p>.</p>",
    )
    assert linked(other) == set()
    for name in ("BMW Group", "BMW"):
        state, _, _, ambiguous = suggestions(other)[name]
        assert (state, ambiguous) == (State.PENDING, True)


def test_without_auto_accept_a_save_only_suggests(client_as, demo_entities):
    set_auto_accept(False)
    article = save_in_admin(client_as("editor"), body=BODY)
    assert linked(article) == set()
    assert {state for state, *_ in suggestions(article).values()} == {State.PENDING}


def test_a_link_removed_by_hand_becomes_a_dismissal(client_as, demo_entities):
    set_auto_accept(True)
    editor = client_as("editor")
    article = save_in_admin(editor, body=BODY)
    assert "Great Wall Motor" in linked(article)

    kept = [
        str(pk)
        for pk in article.entities.exclude(
            pk=demo_entities["great-wall-motor"].pk
        ).values_list("pk", flat=True)
    ]
    save_in_admin(editor, article, linked_entities=kept)
    assert linked(article) == {"BMW Group", "Harald Krueger", "MINI"}
    assert suggestions(article)["Great Wall Motor"][0] == State.DISMISSED

    # Saved again with auto-accept, it stays unlinked.
    save_in_admin(editor, article)
    assert linked(article) == {"BMW Group", "Harald Krueger", "MINI"}
    assert suggestions(article)["Great Wall Motor"][0] == State.DISMISSED


def test_linking_a_dismissed_entity_by_hand_accepts_it(client_as, demo_entities):
    editor = client_as("editor")
    article = save_in_admin(editor, body=BODY)
    great_wall = demo_entities["great-wall-motor"]
    dismiss(article.suggestions.get(entity=great_wall))
    save_in_admin(editor, article, linked_entities=[str(great_wall.pk)])
    assert suggestions(article)["Great Wall Motor"][0] == State.ACCEPTED


# The story form's live panel.

DRAFT_TEXT = {
    "headline": "Great Wall Motor talks go on",
    "dek": "Krüger is patient.",
    "body": "<p>Great Wall Motor and Harald Krueger&nbsp;met. Krüger smiled.</p>",
}


def live_mentions(client, **data):
    response = client.post(reverse("admin:articles_article_mentions"), data)
    assert response.status_code == 200
    return response.json()


def by_name(answer):
    """The endpoint's mentions of one entity each: {name: mention}."""
    return {
        mention["entities"][0]["name"]: mention
        for mention in answer["mentions"]
        if not mention["ambiguous"]
    }


@pytest.mark.parametrize("role", ["author", "editor"])
def test_live_mentions_before_the_story_is_saved(client_as, demo_entities, role):
    answer = live_mentions(client_as(role), article="", **DRAFT_TEXT)
    assert answer["warnings"] == []
    found = by_name(answer)
    assert found["Great Wall Motor"] == {
        "entities": [
            {
                "id": demo_entities["great-wall-motor"].pk,
                "name": "Great Wall Motor",
                "kind": "Company",
                "linked": False,
                "dismissed": False,
            }
        ],
        "count": 2,
        "words": ["Great Wall Motor"],
        "ambiguous": False,
        "reasons": [],
    }
    krueger = found["Harald Krueger"]
    assert krueger["entities"][0]["kind"] == "Person"
    assert (krueger["count"], krueger["words"]) == (3, ["Krüger", "Harald Krueger"])
    # Nothing was saved: the panel only looks.
    assert not Article.objects.exists()
    assert not MentionSuggestion.objects.exists()


def test_live_mentions_of_a_saved_draft_show_its_links_and_dismissals(
    client_as, story, demo_entities
):
    draft = story("draft", body="<p>Nothing yet.</p>")
    ArticleEntity.objects.create(article=draft, entity=demo_entities["mini"])
    suggestion = MentionSuggestion.objects.create(
        article=draft, entity=demo_entities["harald-krueger"]
    )
    dismiss(suggestion)
    answer = live_mentions(
        client_as("author"),
        article=str(draft.pk),
        headline="MINI and Great Wall Motor",
        dek="",
        body="<p>Harald Krueger</p>",
    )
    flags = {
        name: (m["entities"][0]["linked"], m["entities"][0]["dismissed"])
        for name, m in by_name(answer).items()
    }
    assert flags == {
        "MINI": (True, False),
        "Great Wall Motor": (False, False),
        "Harald Krueger": (False, True),
    }


def test_live_mentions_report_ambiguous_words_with_every_candidate(
    client_as, demo_entities
):
    answer = live_mentions(client_as("editor"), headline="BMW", dek="", body="")
    [mention] = answer["mentions"]
    assert mention["ambiguous"]
    assert {e["name"] for e in mention["entities"]} == {"BMW Group", "BMW"}


@pytest.fixture
def rolls_royces(db):
    """Two entities answering to "Rolls-Royce", and the engine maker's
    section."""
    engines = CompanyFactory(name="Rolls-Royce Holdings", context_words="Aerospace")
    cars = BrandFactory(name="Rolls-Royce Motor Cars")
    for entity in (engines, cars):
        AliasFactory(entity=entity, name="Rolls-Royce")
    return engines, cars, SectionFactory(name="Aerospace")


def test_live_mentions_read_the_chosen_section_and_say_why(client_as, rolls_royces):
    *_, aerospace = rolls_royces
    story = {"headline": "Rolls-Royce said so", "dek": "", "body": ""}
    client = client_as("author")
    [mention] = live_mentions(client, section=str(aerospace.pk), **story)["mentions"]
    assert [e["name"] for e in mention["entities"]] == ["Rolls-Royce Holdings"]
    assert mention["reasons"] == [
        "chosen over Rolls-Royce Motor Cars: section Aerospace"
    ]
    # No section, or not a section's id: nothing decides, both are offered.
    for section in ("", "abc", "-1", "9" * 30, str(aerospace.pk + 1000)):
        [mention] = live_mentions(client, section=section, **story)["mentions"]
        assert mention["ambiguous"], section
        assert {e["name"] for e in mention["entities"]} == {
            "Rolls-Royce Holdings",
            "Rolls-Royce Motor Cars",
        }
        assert mention["reasons"] == []


def test_a_saved_story_keeps_why_in_its_suggestion(rolls_royces):
    engines, _, aerospace = rolls_royces
    article = ArticleFactory(
        headline="Rolls-Royce said so", dek="", body="<p>.</p>", section=aerospace
    )
    record_suggestions(article, link_unambiguous=False)
    suggestion = article.suggestions.get()
    assert (suggestion.entity_id, suggestion.ambiguous) == (engines.pk, False)
    assert suggestion.reasons == [
        "chosen over Rolls-Royce Motor Cars: section Aerospace"
    ]


def test_live_mentions_answer_only_posts_from_the_newsroom(client, client_as, db):
    url = reverse("admin:articles_article_mentions")
    assert client_as("editor").get(url).status_code == 405
    response = client.post(url, {"headline": "BMW"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.force_login(UserFactory())  # staff, in no group
    assert client.post(url, {"headline": "BMW"}).status_code == 403


def dismiss_url(article, entity):
    return reverse(
        "admin:articles_article_dismiss_mention", args=[article.pk, entity.pk]
    )


@pytest.mark.parametrize("role", ["author", "editor"])
def test_dismissing_from_the_story_form(client_as, story, demo_entities, role):
    draft = story("draft", body=BODY)
    great_wall = demo_entities["great-wall-motor"]
    response = client_as(role).post(dismiss_url(draft, great_wall))
    assert response.status_code == 200
    assert response.json() == {"dismissed": great_wall.pk}
    assert draft.suggestions.get(entity=great_wall).state == State.DISMISSED

    # The next save remembers it, with auto-accept too.
    set_auto_accept(True)
    record_suggestions(draft)
    assert draft.suggestions.get(entity=great_wall).state == State.DISMISSED
    assert great_wall not in draft.entities.all()


@pytest.mark.parametrize(
    ("role", "state"),
    [
        ("journalist", "draft"),  # someone else's story
        ("author", "in_review"),  # no longer theirs to edit
    ],
)
def test_dismissing_is_refused_to_those_who_cannot_edit_the_story(
    client_as, story, demo_entities, role, state
):
    article = story(state, body=BODY)
    record_suggestions(article, link_unambiguous=False)
    response = client_as(role).post(
        dismiss_url(article, demo_entities["great-wall-motor"])
    )
    assert response.status_code == 403
    assert not article.suggestions.filter(state=State.DISMISSED).exists()


def test_dismissing_needs_a_post_and_a_real_entity(client_as, story, db):
    draft = story("draft")
    company = CompanyFactory()
    editor = client_as("editor")
    assert editor.get(dismiss_url(draft, company)).status_code == 405
    missing = reverse(
        "admin:articles_article_dismiss_mention", args=[draft.pk, company.pk + 1000]
    )
    assert editor.post(missing).status_code == 404
    assert not MentionSuggestion.objects.exists()


# Which entities stories mention, in the entity admin.


def test_the_coverage_filter_of_the_company_list(client_as, demo_entities):
    ArticleFactory(entities=[demo_entities["great-wall-motor"]])
    url = reverse("admin:entities_company_changelist")
    editor = client_as("editor")
    covered = editor.get(url, {"mentioned": "yes"}).context["cl"].result_list
    uncovered = editor.get(url, {"mentioned": "no"}).context["cl"].result_list
    assert [c.name for c in covered] == ["Great Wall Motor"]
    assert "Great Wall Motor" not in {c.name for c in uncovered}
    assert "BMW Group" in {c.name for c in uncovered}


def test_editors_switch_auto_accept_on_the_one_settings_page(client_as):
    editor = client_as("editor")
    response = editor.get(reverse("admin:entities_detectionsettings_changelist"))
    change_url = reverse(
        "admin:entities_detectionsettings_change", args=[DetectionSettings.load().pk]
    )
    assert (response.status_code, response["Location"]) == (302, change_url)
    assert editor.post(change_url, {"auto_accept": "on"}).status_code == 302
    assert DetectionSettings.load().auto_accept
    # One row: none to add, none to delete.
    assert (
        editor.get(reverse("admin:entities_detectionsettings_add")).status_code == 403
    )
    delete_url = reverse(
        "admin:entities_detectionsettings_delete", args=[DetectionSettings.load().pk]
    )
    assert editor.post(delete_url, {"post": "yes"}).status_code == 403


def test_journalists_cannot_switch_auto_accept(client_as):
    journalist = client_as("author")
    change_url = reverse(
        "admin:entities_detectionsettings_change", args=[DetectionSettings.load().pk]
    )
    assert journalist.post(change_url, {"auto_accept": "on"}).status_code == 403
    assert not DetectionSettings.load().auto_accept


def test_suggestion_list_query_budget(client_as, demo_entities):
    def grow(n):
        for _ in range(n):
            record_suggestions(ArticleFactory(body=BODY), link_unambiguous=False)

    grow(2)
    assert_budget(
        client_as("editor"),
        reverse("admin:entities_mentionsuggestion_changelist"),
        lambda: grow(20),
        7,
    )
