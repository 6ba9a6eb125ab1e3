"""A story's history: every save keeps a version, versions compare as a readable
diff, and an old version can be restored without losing any other."""

import datetime

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import history
from articles.models import Article
from tests.admin_urls import change_url
from tests.factories import (
    AuthorFactory,
    CompanyFactory,
    PersonFactory,
    article_form_data,
)

pytestmark = pytest.mark.django_db


def save_in_admin(client, article, **changes):
    response = client.post(change_url(article), article_form_data(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


@pytest.fixture
def two_versions(story, editor_client, journalist_byline, frozen_now, time_machine):
    """A journalist's draft saved twice in the admin by an editor, changing
    everything a diff shows."""
    jo, ben = journalist_byline, AuthorFactory(name="Ben Okafor")
    company, person = CompanyFactory(name="Zeta Holdings"), PersonFactory(name="Ida Vo")
    article = story("draft", tags=["plants"], entities=[company])
    save_in_admin(
        editor_client,
        article,
        headline="BMW and Great Wall in talks",
        body="<p>Talks began in Munich.</p><p>Nothing is signed.</p>",
    )
    time_machine.shift(datetime.timedelta(minutes=5))
    save_in_admin(
        editor_client,
        article,
        headline="BMW and Great Wall agree a deal",
        body="<p>Talks ended in Munich.</p><p>Nothing is signed.</p>",
        byline_authors=[str(jo.pk), str(ben.pk)],
        tags=["plants", "electric cars"],
        linked_entities=[str(company.pk), str(person.pk)],
    )
    new, old = history.versions_of(article)
    return article, old, new


def test_every_admin_save_keeps_a_version(editor_client, editor, frozen_now):
    client = editor_client
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(headline="First")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    save_in_admin(client, article, headline="Second")
    save_in_admin(client, article, headline="Third")

    versions = list(history.versions_of(article))
    assert [v.field_dict["headline"] for v in versions] == ["Third", "Second", "First"]
    assert [v.revision.comment for v in versions] == ["Saved", "Saved", "Created"]
    assert {v.revision.user for v in versions} == {editor}
    assert {v.revision.date_created for v in versions} == {frozen_now}
    assert [v.field_dict["version"] for v in versions] == [3, 2, 1]


def test_a_version_keeps_bylines_tags_and_entities(two_versions):
    article, old, new = two_versions
    old_snapshot, new_snapshot = history.snapshot(old), history.snapshot(new)
    assert old_snapshot.tag_names == ["plants"]
    assert new_snapshot.tag_names == ["electric cars", "plants"]
    assert len(old_snapshot.author_ids) == 1
    assert new_snapshot.author_ids == [a.pk for a in article.byline_authors]
    assert sorted(new_snapshot.entity_ids) == sorted(
        article.entities.values_list("pk", flat=True)
    )


def test_compare_gives_a_readable_diff(two_versions):
    _, old, new = two_versions
    changes = {
        change.label: change
        for change in history.compare(history.snapshot(old), history.snapshot(new))
    }

    headline = changes["Headline"]
    assert headline.changed
    assert headline.diff == (
        "BMW and Great Wall <del>in talks</del> <ins>agree a deal</ins>"
    )
    assert changes["Body"].diff == (
        "Talks <del>began</del> <ins>ended</ins> in Munich.<br>Nothing is signed."
    )
    assert changes["Authors"].old == "Jo Reporter"
    assert changes["Authors"].new == "Jo Reporter, Ben Okafor"
    # Words, not list items, are compared: "Reporter" became "Reporter,".
    assert changes["Authors"].diff == (
        "Jo <del>Reporter</del> <ins>Reporter, Ben Okafor</ins>"
    )
    assert changes["Tags"].diff == "<ins>electric cars,</ins> plants"
    assert changes["Companies, people and brands"].new == "Zeta Holdings, Ida Vo"
    assert "<ins>" in changes["Companies, people and brands"].diff
    assert not changes["Section"].changed
    assert not changes["Standfirst"].changed


def test_the_diff_escapes_what_people_typed(story, editor_client):
    article = story("draft")
    save_in_admin(editor_client, article, headline="Plain")
    save_in_admin(editor_client, article, headline="<b>Bold</b> & brash")
    new, old = history.versions_of(article)
    (headline, *_) = history.compare(history.snapshot(old), history.snapshot(new))
    assert headline.diff == (
        "<del>Plain</del> <ins>&lt;b&gt;Bold&lt;/b&gt; &amp; brash</ins>"
    )


@pytest.mark.parametrize("role", ["author", "journalist", "editor"])
def test_the_history_and_compare_pages(two_versions, client_as, role):
    article, old, new = two_versions
    client = client_as(role)

    page = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert page.status_code == 200
    assert list(page.context["versions"]) == [new, old]

    compare_url = reverse("admin:articles_article_compare", args=[article.pk])
    # Whichever way round the two are picked, the older one is "from".
    for old_pk, new_pk in [(old.pk, new.pk), (new.pk, old.pk)]:
        response = client.get(compare_url, {"old": old_pk, "new": new_pk})
        assert response.status_code == 200
        assert (response.context["old"], response.context["new"]) == (old, new)
        html = response.content.decode()
        assert "<del>in talks</del> <ins>agree a deal</ins>" in html
        assert "<ins>Reporter, Ben Okafor</ins>" in html

    # Restoring is for those who may change the story (its author: a draft).
    restore_link = f"{change_url(article)}?restore={old.pk}"
    assert (restore_link in html) == (role in {"author", "editor"})


def test_compare_without_two_versions_goes_back_to_the_history(
    two_versions, editor_client
):
    article, old, _ = two_versions
    url = reverse("admin:articles_article_compare", args=[article.pk])
    history_url = reverse("admin:articles_article_history", args=[article.pk])
    other = Version.objects.exclude(object_id=str(article.pk)).first()
    for query in [{}, {"old": old.pk}, {"old": old.pk, "new": "x"}] + (
        [{"old": old.pk, "new": other.pk}] if other else []
    ):
        response = editor_client.get(url, query)
        assert response.status_code == 302, query
        assert response["Location"] == history_url


def test_restore_puts_an_old_version_in_the_form(two_versions, editor_client):
    article, old, _ = two_versions

    response = editor_client.get(change_url(article, restore=old.pk))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["headline"].value() == "BMW and Great Wall in talks"
    assert form["body"].value() == (
        "<p>Talks began in Munich.</p><p>Nothing is signed.</p>"
    )
    assert form["tags"].value() == ["plants"]
    assert form["byline_authors"].value() == [a.pk for a in article.byline_authors[:1]]
    assert form["section"].value() == article.section_id
    assert form["base_version"].value() == article.version  # not a stale save
    html = response.content.decode()
    assert 'value="BMW and Great Wall in talks"' in html
    assert "An earlier version is in the form below." in html
    # Only the form changed: the story is as it was.
    article.refresh_from_db()
    assert article.headline == "BMW and Great Wall agree a deal"


def test_saving_a_restored_version_adds_a_version_and_loses_none(
    two_versions, editor_client
):
    article, old, new = two_versions
    form = (
        editor_client.get(change_url(article, restore=old.pk)).context["adminform"].form
    )
    data = article_form_data(
        article,
        headline=form["headline"].value(),
        body=form["body"].value(),
        tags=form["tags"].value(),
        section=form["section"].value(),
        byline_authors=[str(pk) for pk in form["byline_authors"].value()],
    )

    assert editor_client.post(change_url(article), data).status_code == 302

    article.refresh_from_db()
    assert article.headline == "BMW and Great Wall in talks"
    assert [t.name for t in article.tags.all()] == ["plants"]
    latest, *earlier = history.versions_of(article)
    assert earlier == [new, old]
    assert latest.field_dict["headline"] == "BMW and Great Wall in talks"
    assert new.field_dict["headline"] == "BMW and Great Wall agree a deal"


def test_restore_ignores_a_version_of_another_story(two_versions, story, editor_client):
    _, old, _ = two_versions
    other = story("draft", headline="Another story")
    response = editor_client.get(change_url(other, restore=old.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form["headline"].value() == "Another story"
