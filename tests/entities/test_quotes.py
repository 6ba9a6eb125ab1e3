"""Quotes: found in a story's text, kept unconfirmed for the desk, and shown
on a person's page only once confirmed and only from public stories."""

import pytest
from django.urls import reverse

from entities.mentions import detect_quotes, record_quotes
from entities.models import Quote
from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    QuoteFactory,
    article_form_data,
)

pytestmark = pytest.mark.django_db

ARCHITECTURE = (
    "If a Mini doesn’t end up looking like a Mini because of an architecture "
    "issue then it won’t work."
)


@pytest.fixture
def krueger(demo_entities):
    return demo_entities["harald-krueger"]


def test_a_block_quote_signed_with_a_known_name(krueger):
    body = (
        "<p>He was clear.</p>"
        f"<blockquote><p>“{ARCHITECTURE}\nThat’s why the technical questions "
        "are the priority.”</p><p>— Harald Krueger, BMW</p></blockquote>"
    )
    assert detect_quotes(body) == [
        (
            krueger.pk,
            f"{ARCHITECTURE} That’s why the technical questions are the priority.",
        )
    ]


@pytest.mark.parametrize(
    "body",
    [
        "<p>“The talks are going well,” Krueger said.</p>",
        "<p>“The talks are going well,” said Harald Krueger.</p>",
        '<p>"The talks are going well," Krüger says.</p>',
        "<p>Krueger told Automotive News: “The talks are going well.”</p>",
        "<p>Harald Krueger said: “The talks are going well.”</p>",
    ],
)
def test_the_patterns_journalists_use(krueger, body):
    assert detect_quotes(body) == [(krueger.pk, "The talks are going well")]


def test_a_surname_after_the_full_name_is_the_person(db):
    zipse = PersonFactory(name="Oliver Zipse")
    body = (
        "<p>Oliver Zipse took over in August.</p>"
        "<p>“Electric MINIs will come from China as well,” Zipse said.</p>"
    )
    assert detect_quotes(body) == [
        (zipse.pk, "Electric MINIs will come from China as well")
    ]
    # Without the full name first, "Zipse" could be anyone.
    assert detect_quotes(body.split("</p>", 1)[1]) == []


@pytest.mark.parametrize(
    "body",
    [
        # Not a known person.
        "<p>“We are not in talks with anyone,” Jane Doe said.</p>",
        "<blockquote><p>“Quick off the mark, and fun.”</p>"
        "<p>— A spokesman, BMW</p></blockquote>",
        # A company is not a person, and "BMW" is not even one company.
        "<blockquote><p>“Quick off the mark with a precision-tuned "
        "suspension.”</p><p>— BMW, describing the concept</p></blockquote>",
        "<p>“We are in talks with BMW Group,” Great Wall Motor said.</p>",
        # Too short to be a quote worth keeping.
        "<p>Krueger said the talks were “going well”.</p>",
        # An unsigned block quote.
        "<blockquote><p>“The talks are going well, he said.”</p></blockquote>",
    ],
)
def test_quotes_without_a_known_person_are_ignored(krueger, body):
    assert detect_quotes(body) == []


def test_the_same_quote_twice_is_found_once(krueger):
    body = "<p>“The talks are going well,” Krueger said.</p>" * 2
    assert detect_quotes(body) == [(krueger.pk, "The talks are going well")]


def test_quotes_are_read_as_readers_see_them(krueger):
    body = "<p>“R&amp;D on a MINI platform&nbsp;comes first,” Krueger said.</p>"
    assert detect_quotes(body) == [
        (krueger.pk, "R&D on a MINI platform\xa0comes first")
    ]


def test_record_quotes_keeps_them_unconfirmed_for_the_desk(krueger):
    article = ArticleFactory(
        body="<p>“The talks are going well,” Krueger said.</p>"
        "<p>“It will take months, not weeks,” said Harald Krueger.</p>"
    )
    assert record_quotes(article) == 2
    assert record_quotes(article) == 0  # nothing twice
    quotes = Quote.objects.filter(article=article, person=krueger)
    assert sorted(quotes.values_list("text", "confirmed", "detected")) == [
        ("It will take months, not weeks", False, True),
        ("The talks are going well", False, True),
    ]


def test_saving_a_story_records_its_quotes_and_editors_confirm_them(
    client, client_as, krueger
):
    editor = client_as("editor")
    article = ArticleFactory(published=True, body="<p>No quotes yet.</p>")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    body = "<p>“The talks are going well,” Krueger said.</p>"
    response = editor.post(change_url, article_form_data(article, body=body))
    assert response.status_code == 302
    quote = Quote.objects.get(article=article)
    assert (quote.person_id, quote.confirmed) == (krueger.pk, False)
    person_page = krueger.get_absolute_url()
    assert "going well" not in client.get(person_page).content.decode()

    data = article_form_data(
        article,
        **{
            "quotes-TOTAL_FORMS": "1",
            "quotes-INITIAL_FORMS": "1",
            "quotes-0-id": str(quote.pk),
            "quotes-0-article": str(article.pk),
            "quotes-0-person": str(krueger.pk),
            "quotes-0-text": quote.text,
            "quotes-0-confirmed": "on",
        },
    )
    assert editor.post(change_url, data).status_code == 302
    quote.refresh_from_db()
    assert quote.confirmed
    assert "“The talks are going well”" in client.get(person_page).content.decode()


def test_the_person_page_shows_confirmed_quotes_from_public_stories_only(
    client, krueger
):
    shown = QuoteFactory(person=krueger, text="Shown: confirmed and public.")
    for text, kwargs in [
        ("Unconfirmed.", {"confirmed": False}),
        ("From a draft.", {"article": ArticleFactory(draft=True)}),
        ("From a scheduled story.", {"article": ArticleFactory(scheduled=True)}),
        ("From a withdrawn story.", {"article": ArticleFactory(withdrawn=True)}),
        ("About somebody else.", {"person": PersonFactory()}),
    ]:
        QuoteFactory(**{"person": krueger, "text": text, **kwargs})
    response = client.get(krueger.get_absolute_url())
    assert list(response.context["quotes"]) == [shown]
    html = response.content.decode()
    assert "“Shown: confirmed and public.”" in html
    assert shown.article.headline in html
    for hidden in ("Unconfirmed", "From a", "somebody else"):
        assert hidden not in html


# The desk's list of quotes.


def confirm_in_quote_list(client, quote):
    return client.post(
        reverse("admin:entities_quote_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(quote.pk),
            "form-0-confirmed": "on",
            "_save": "Save",
        },
    )


def test_editors_confirm_detected_quotes_in_the_quote_list(client_as, krueger):
    detected = QuoteFactory(person=krueger, confirmed=False, detected=True)
    QuoteFactory(person=krueger, confirmed=True)
    editor = client_as("editor")
    waiting = editor.get(
        reverse("admin:entities_quote_changelist"), {"confirmed__exact": "0"}
    )
    assert list(waiting.context["cl"].result_list) == [detected]

    assert confirm_in_quote_list(editor, detected).status_code == 302
    detected.refresh_from_db()
    assert detected.confirmed


def test_journalists_cannot_confirm_quotes(client_as, krueger):
    quote = QuoteFactory(person=krueger, confirmed=False)
    confirm_in_quote_list(client_as("author"), quote)
    quote.refresh_from_db()
    assert not quote.confirmed


def test_quote_list_query_budget(client_as, krueger):
    editor = client_as("editor")

    def grow(n):
        for _ in range(n):
            QuoteFactory(person=PersonFactory(), confirmed=False)

    grow(3)
    assert_budget(
        editor, reverse("admin:entities_quote_changelist"), lambda: grow(30), 7
    )


def test_the_demo_records_its_signed_quotes(client, demo_newsroom):
    """Both stories that carry Krueger's signed block quote have it; the BMW
    concept-car "quote" is signed by a company and is not his."""
    quotes = Quote.objects.select_related("person", "article")
    assert sorted((q.person.name, q.article.slug) for q in quotes) == [
        ("Harald Krueger", "bmw-great-wall-talks-electric-mini-china-going-well"),
        ("Harald Krueger", "krueger-technical-questions-priority-great-wall"),
    ]
    assert {q.text for q in quotes} == {
        f"{ARCHITECTURE} That’s why the technical questions are the priority."
    }
    person_page = client.get("/people/harald-krueger/")
    assert len(person_page.context["quotes"]) == 2


def test_quotes_of_people_whose_names_start_with_an_accent():
    from entities.mentions import detect_quotes
    from tests.factories import PersonFactory

    person = PersonFactory(name="Émile Özdemir")
    found = detect_quotes(
        "<p>“The plant will be ready next year, not this one,” Özdemir said. "
        "Émile Özdemir told reporters: “Ask me again in the autumn.”</p>"
    )
    assert (person.pk, "Ask me again in the autumn") in found
