"""The desk's home at /admin/: a journalist's and an editor's day in panels,
each counted, each a link to the filtered story list, at a constant cost."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin import home
from articles.models import Article, EditingSession
from articles.workflow import Action, perform
from entities.models import MentionSuggestion
from tests.conftest import NOW
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CorrectionFactory,
    UserFactory,
)

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def panels_of(client) -> dict:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {panel.key: panel for panel in response.context["home"]["panels"]}


def titles(panel) -> list[str]:
    return [row.title for row in panel.rows]


def at(time_machine, moment):
    time_machine.move_to(moment, tick=False)


# The journalist's home


@pytest.fixture
def journalists_day(story, users, time_machine):
    """The journalist's stories in every state, made over the week before
    NOW (Tuesday 10 June 2025, 09:30 in London), and another journalist's."""
    at(time_machine, NOW - 3 * DAY)
    older = story("draft", headline="Older draft")
    sent_back = story("draft", headline="Sent back")
    perform(sent_back, Action.SUBMIT, users["author"])
    at(time_machine, NOW - 2 * DAY)
    perform(
        sent_back,
        Action.REQUEST_CHANGES,
        users["editor"],
        comment="Name the second source.",
    )
    waiting = story("draft", headline="Waiting")
    perform(waiting, Action.SUBMIT, users["author"])
    at(time_machine, NOW - HOUR)
    newer = story("draft", headline="Newer draft")
    at(time_machine, NOW)
    story("scheduled", headline="Out tomorrow")
    story("published", headline="Out this morning")  # an hour ago: Tuesday
    story(
        "published",
        headline="Out last week",
        published_at=NOW - 3 * DAY,  # Saturday: before Monday
    )
    ArticleFactory(draft=True, headline="Someone else's draft")
    return {"older": older, "sent_back": sent_back, "waiting": waiting, "new": newer}


def test_a_journalist_sees_their_own_day(client_as, journalists_day):
    panels = panels_of(client_as("author"))

    assert list(panels) == [
        "sent-back",
        "drafts",
        "in-review",
        "scheduled",
        "published-week",
        "assignments",  # the story budget's panel (budget.home)
    ]
    assert titles(panels["drafts"]) == ["Newer draft", "Sent back", "Older draft"]
    assert panels["drafts"].rows[1].badge == "Changes requested"
    assert titles(panels["in-review"]) == ["Waiting"]
    assert titles(panels["scheduled"]) == ["Out tomorrow"]
    assert titles(panels["published-week"]) == ["Out this morning"]
    assert {key: panel.count for key, panel in panels.items()} == {
        "sent-back": 1,
        "drafts": 3,
        "in-review": 1,
        "scheduled": 1,
        "published-week": 1,
        "assignments": 0,
    }


def test_sent_back_shows_the_editors_comment_and_opens_the_story(
    client_as, journalists_day
):
    client = client_as("author")
    (row,) = panels_of(client).get("sent-back").rows

    assert (row.title, row.quote, row.quote_by) == (
        "Sent back",
        "Name the second source.",
        "editor",
    )
    html = client.get(reverse("admin:index")).content.decode()
    assert "Name the second source." in html
    story_page = client.get(row.url)
    assert story_page.status_code == 200
    assert story_page.context["original"] == journalists_day["sent_back"]


def test_resubmitting_takes_a_story_off_sent_back(client_as, journalists_day, users):
    perform(journalists_day["sent_back"], Action.SUBMIT, users["author"])

    panels = panels_of(client_as("author"))

    assert panels["sent-back"].count == 0
    assert titles(panels["in-review"]) == ["Waiting", "Sent back"]


def test_the_home_says_what_to_do_first(client_as, journalists_day):
    html = client_as("author").get(reverse("admin:index")).content.decode()

    assert html.index("Write a story") < html.index("Sent back to you")
    assert f'href="{reverse("admin:articles_article_add")}"' in html
    assert "desk-panel--attention" in html  # something was sent back
    assert "Everything in the admin" in html
    assert "Taggit" not in html and "TAGGIT" not in html


# The editor's home


@pytest.fixture
def desk_day(story, users, time_machine):
    """A day on the desk, around NOW (09:30 London, 08:30 UTC)."""
    at(time_machine, NOW - 5 * HOUR)
    early = story("draft", headline="Submitted at dawn")
    perform(early, Action.SUBMIT, users["author"])
    at(time_machine, NOW - 20 * datetime.timedelta(minutes=1))
    late = story("draft", headline="Submitted just now")
    perform(late, Action.SUBMIT, users["author"])
    at(time_machine, NOW)
    tonight = timezone.localtime(NOW).replace(hour=23, minute=30)
    story("scheduled", headline="Tonight", published_at=tonight)
    story("scheduled", headline="Tomorrow night", published_at=tonight + DAY)
    # Past midnight the day after tomorrow, newsroom time (22:30 UTC on the
    # 11th would still be "tomorrow" in UTC terms, and is not in London).
    story(
        "scheduled",
        headline="The day after",
        published_at=timezone.localtime(NOW).replace(hour=0, minute=30) + 2 * DAY,
    )
    fresh = story("published", headline="Out this morning", published_at=NOW - HOUR)
    story("published", headline="Out yesterday", published_at=NOW - 25 * HOUR)
    corrected = story("published", headline="Corrected story")
    CorrectionFactory(article=corrected, text="The plant is in Oxford.")
    # Two corrections today on one story: one story in the panel and its list.
    CorrectionFactory(
        article=corrected, text="An earlier fix today.", published_at=NOW - 2 * HOUR
    )
    CorrectionFactory(
        article=corrected,
        text="An older correction.",
        published_at=timezone.localtime(NOW).replace(hour=0) - HOUR,
    )
    EditingSession.objects.create(
        article=early,
        user=users["editor"],
        seen_at=NOW - datetime.timedelta(minutes=30),
    )
    EditingSession.objects.create(article=fresh, user=users["editor"], seen_at=NOW)
    EditingSession.objects.create(
        article=fresh,
        user=users["author"],
        seen_at=NOW - datetime.timedelta(seconds=60),
    )
    company = CompanyFactory(name="Great Wall Motor")
    MentionSuggestion.objects.create(article=fresh, entity=company)
    MentionSuggestion.objects.create(article=early, entity=company)  # not public
    decided = story("published", headline="All decided")
    MentionSuggestion.objects.create(
        article=decided, entity=company, state=MentionSuggestion.State.ACCEPTED
    )
    return {"early": early, "fresh": fresh}


def test_an_editor_sees_the_desks_day(client_as, desk_day):
    panels = panels_of(client_as("editor"))

    assert list(panels) == [
        "review-queue",
        "scheduled-soon",
        "published-24h",
        "editing-now",
        "corrections-today",
        "suggestions",
        "assignments",  # the story budget's panel (budget.home)
    ]
    queue = panels["review-queue"]
    assert titles(queue) == ["Submitted at dawn", "Submitted just now"]
    assert queue.rows[0].details[-1] == "waiting 5\xa0hours"
    assert queue.rows[1].details[-1] == "waiting 20\xa0minutes"
    assert queue.rows[0].details[1] == "from journalist"
    soon = panels["scheduled-soon"]
    assert titles(soon) == ["Tonight", "Tomorrow night"]
    assert [row.details[-1] for row in soon.rows] == ["today 23:30", "tomorrow 23:30"]
    assert titles(panels["published-24h"]) == [
        "All decided",
        "Corrected story",
        "Out this morning",
    ]
    assert titles(panels["editing-now"]) == ["Out this morning"]
    assert panels["editing-now"].rows[0].details[-1] == "open by editor and 1 other"
    (correction,) = panels["corrections-today"].rows
    assert (correction.title, correction.quote) == (
        "Corrected story",
        "The plant is in Oxford.",
    )
    (suggestion,) = panels["suggestions"].rows
    assert (suggestion.title, suggestion.details) == (
        "Out this morning",
        ["suggested: Great Wall Motor"],
    )


@pytest.mark.parametrize("role", ["author", "editor"])
def test_each_panel_opens_the_list_of_exactly_its_stories(
    client_as, role, journalists_day, desk_day
):
    client = client_as(role)
    for key, panel in panels_of(client).items():
        listed = client.get(panel.url)
        assert listed.status_code == 200, key
        if "rows" in listed.context:  # the review queue's own page
            shown = len(listed.context["rows"])
        else:
            shown = listed.context["cl"].result_count
        assert shown == panel.count, key


def test_a_panel_lists_the_first_stories_and_counts_them_all(client_as, story):
    for number in range(home.ROWS + 3):
        story("draft", headline=f"Draft {number}")

    client = client_as("author")
    drafts = panels_of(client)["drafts"]

    assert (len(drafts.rows), drafts.count) == (home.ROWS, home.ROWS + 3)
    html = client.get(reverse("admin:index")).content.decode()
    assert f"All {home.ROWS + 3} →" in html


# A constant cost


def grow_journalists_day(story, users, n):
    for number in range(n):
        story("draft", headline=f"Draft {number}")
        sent = story("draft")
        perform(sent, Action.SUBMIT, users["author"])
        perform(sent, Action.REQUEST_CHANGES, users["editor"], comment="Fix.")
        perform(story("draft"), Action.SUBMIT, users["author"])
        story("scheduled")
        story("published")


def grow_desk_day(story, users, n):
    company = CompanyFactory()
    for _ in range(n):
        perform(story("draft"), Action.SUBMIT, users["author"])
        story("scheduled", published_at=timezone.now() + HOUR)
        published = story("published")
        CorrectionFactory(article=published)
        MentionSuggestion.objects.create(article=published, entity=company)
        EditingSession.objects.create(article=published, user=users["editor"])
        EditingSession.objects.create(article=published, user=users["author"])


# The session, the user and their permissions (two: their own and their
# groups'), then one query per panel: five for a journalist, six for an editor.
@pytest.mark.parametrize(
    ("role", "grow", "budget"),
    [("author", grow_journalists_day, 10), ("editor", grow_desk_day, 11)],
)
def test_the_home_costs_the_same_whatever_the_numbers(
    client_as, story, users, frozen_now, count_queries, role, grow, budget
):
    client = client_as(role)
    client.get(reverse("admin:index"))  # the permission cache, as in use
    counts = []
    for size in (1, 12):
        grow(story, users, size)
        _, queries = count_queries(client.get, reverse("admin:index"))
        counts.append(queries)
    assert counts == [budget, budget]


def test_the_home_needs_a_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_admin_address_still_answers(client_as):
    client = client_as("superuser")
    for name, args in [
        ("admin:app_list", ["articles"]),
        ("admin:articles_article_changelist", []),
        ("admin:articles_article_review_queue", []),
        ("admin:taggit_tag_changelist", []),
        ("admin:password_change", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


# The hook for other apps' panels (the story budget's assignments)


def test_another_app_adds_a_panel_to_a_roles_home(client_as, users):
    def assignments(request, now):
        return home.Panel(
            "test-assignments",
            "Your assignments",
            1,
            "/admin/",
            [home.Row("Cover the Oxford plant", "/admin/")],
            "No assignments.",
        )

    home.register_home_panel("journalist", assignments)
    try:
        journalist_panels = panels_of(client_as("author"))
        editor_panels = panels_of(client_as("editor"))
    finally:
        home.unregister_home_panel("journalist", assignments)

    assert list(journalist_panels)[-1] == "test-assignments"
    assert "test-assignments" not in editor_panels


# Sanity of the counts' base: a journalist with no byline sees empty panels.


def test_a_journalist_without_a_byline_sees_an_empty_desk(db):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Journalists"))
    client = Client()
    client.force_login(user)
    ArticleFactory(draft=True)

    panels = panels_of(client)

    assert all(panel.count == 0 for panel in panels.values())
    assert Article.objects.count() == 1
