"""Corrections readers can follow: each correction on a public story links to
a public page of what it changed, from the version it came with and the last
one readers saw before it, and never shows anything readers did not see."""

import datetime

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, Transition
from tests.budgets import assert_budget
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = (
    "<p>BMW and Great Wall are in talks.</p>"
    "<p>The plant is in Cowley, near Oxford.</p>"
    "<p>Production starts in 2019.</p>"
)


def save_version(article, comment="Saved", **changes):
    """Save ``article`` with ``changes`` as one version, as the admin does."""
    for name, value in changes.items():
        setattr(article, name, value)
    with reversion.create_revision():
        reversion.set_comment(comment)
        article.save()
    return reversion.models.Version.objects.get_for_object(article).first()


def correct(article, text="An earlier version named the wrong plant.", **changes):
    version = save_version(article, **changes)
    return Correction.objects.create(article=article, text=text, version=version)


def correction_url(correction):
    return reverse("articles:correction", args=[correction.article.slug, correction.pk])


@pytest.fixture
def corrected():
    """A public story saved once as readers first saw it, then corrected."""
    article = ArticleFactory(published=True, headline="BMW talks", body=BODY)
    save_version(article)
    return correct(
        article,
        body=BODY.replace("Cowley, near Oxford", "Shenyang, in north-east China"),
    )


def test_the_story_links_each_correction_to_what_it_changed(client, corrected):
    html = client.get(corrected.article.get_absolute_url()).content.decode()
    assert f'href="{correction_url(corrected)}">See what this correction changed' in (
        html
    )


def test_the_corrected_passage_before_and_after(client, corrected):
    response = client.get(correction_url(corrected))

    assert response.status_code == 200
    (passage,) = response.context["passages"]
    assert passage.label == "Body"
    assert passage.before == ("The plant is in <del>Cowley, near Oxford.</del>")
    assert passage.after == (
        "The plant is in <ins>Shenyang, in north-east China.</ins>"
    )
    html = response.content.decode()
    assert "An earlier version named the wrong plant." in html
    # Only the changed paragraph: the others are on the story.
    assert "Production starts in 2019." not in html
    assert f'href="{corrected.article.get_absolute_url()}#corrections"' in html


def test_a_corrected_headline_and_standfirst_are_shown_too(client, corrected):
    article = corrected.article
    correction = correct(
        article,
        "We misspelled the company's name.",
        headline="BMW talks with Great Wall",
        dek="A joint venture for electric MINIs",
    )
    passages = client.get(correction_url(correction)).context["passages"]
    assert [p.label for p in passages] == ["Headline", "Standfirst"]
    assert passages[0].after == "BMW talks <ins>with Great Wall</ins>"


def test_nothing_readers_did_not_see_is_shown(client, story, users):
    """Drafts before publication, the desk's comments and the versions'
    own notes stay in the admin."""
    article = story("draft", body="<p>SECRET DRAFT about the plant.</p>")
    save_version(article, comment="INTERNAL version note")
    Transition.objects.create(
        article=article,
        user=users["editor"],
        action="request_changes",
        from_status="in_review",
        to_status="draft",
        comment="INTERNAL desk comment",
    )
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - datetime.timedelta(hours=1)
    correction = correct(article, body="<p>The plant is in Shenyang.</p>")

    response = client.get(correction_url(correction))

    assert response.status_code == 200
    assert response.context["passages"] is None  # no earlier public text
    html = response.content.decode()
    for secret in ("SECRET DRAFT", "INTERNAL"):
        assert secret not in html
    assert "not available to compare" in html


def test_a_scheduled_version_readers_never_saw_is_skipped(client, corrected):
    """A version saved while the story waited for its time was never public:
    the comparison goes back to the one readers saw."""
    article = corrected.article
    seen = save_version(article, body="<p>The plant is in Leipzig.</p>")
    assert seen.field_dict["published_at"] <= seen.revision.date_created
    future = timezone.now() + datetime.timedelta(days=1)
    save_version(article, published_at=future, body="<p>UNSEEN text.</p>")
    correction = correct(
        article,
        published_at=timezone.now() - datetime.timedelta(minutes=1),
        body="<p>The plant is in Dresden.</p>",
    )
    (passage,) = client.get(correction_url(correction)).context["passages"]
    assert passage.before == "The plant is in <del>Leipzig.</del>"


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "withdrawn"])
def test_a_story_readers_cannot_see_has_no_correction_page(client, story, state):
    article = story(state)
    correction = Correction.objects.create(article=article, text="Fixed.")
    assert client.get(correction_url(correction)).status_code == 404


def test_a_correction_of_another_story_is_not_found(client, corrected):
    other = ArticleFactory(published=True)
    url = reverse("articles:correction", args=[other.slug, corrected.pk])
    assert client.get(url).status_code == 404


def test_a_correction_without_a_version_has_a_page_but_no_link(client):
    article = ArticleFactory(published=True)
    correction = Correction.objects.create(article=article, text="Fixed a date.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "See what this correction changed" not in html
    response = client.get(correction_url(correction))
    assert response.status_code == 200
    assert "Fixed a date." in response.content.decode()


def test_correction_page_query_budget(client, corrected):
    article = corrected.article
    # The story, the correction with its version, the versions before it,
    # the masthead's sections and the page generation; warm, the sections
    # come from the cache.
    assert_budget(client, correction_url(corrected), lambda: None, budget=5, warm=4)

    # The last of eleven corrections has ten more versions before it: the
    # page still reads them in the same queries.
    for n in range(10):
        last = correct(article, f"Correction {n}.", body=f"<p>Plant number {n}.</p>")
    assert_budget(client, correction_url(last), lambda: None, budget=5, warm=4)
