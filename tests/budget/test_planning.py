"""Changing the budget: every change to a slot, the people or the status is
in the audit log and reaches the people on the story once it has committed;
turning an item into a story is all or nothing."""

import datetime

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleEntity, Author
from budget import planning
from budget.models import BudgetChange, BudgetItem
from tests.budget.conftest import TOMORROW, recipients
from tests.factories import (
    ArticleFactory,
    BudgetItemFactory,
    CompanyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Status = BudgetItem.Status
Kind = BudgetChange.Kind


@pytest.fixture
def assigned(frozen_now, users):
    """Tomorrow's 07:00 item, given to the journalist."""
    return BudgetItemFactory(
        slug_line="GWM-TALKS",
        planned_date=TOMORROW,
        planned_time=datetime.time(7, 0),
        status=Status.ASSIGNED,
        assignees=[users["author"]],
        notes="What a joint venture would build.",
    )


def log_of(item):
    return list(item.changes.order_by("pk").values_list("kind", "before", "after"))


# Moving a slot


def test_moving_logs_both_slots_and_emails_the_assignee(assigned, users, mailbox):
    mail = mailbox(
        lambda: planning.move(
            assigned,
            TOMORROW,
            datetime.time(9, 30),
            users["editor"],
            comment="After the results call.",
        )
    )
    assigned.refresh_from_db()
    assert assigned.planned_time == datetime.time(9, 30)
    change = assigned.changes.get()
    assert (change.kind, change.before, change.after) == (
        Kind.MOVED,
        "Wed 11 Jun 2025, 07:00",
        "Wed 11 Jun 2025, 09:30",
    )
    assert (change.user, change.comment) == (users["editor"], "After the results call.")
    assert recipients(mail) == ["journalist@newsroom.test"]
    (message,) = mail
    assert message.subject == "[The Newsroom] GWM-TALKS: moved"
    assert "editor moved it from Wed 11 Jun 2025, 07:00 to Wed 11 Jun 2025, 09:30." in (
        message.body
    )
    assert "Why: After the results call." in message.body
    # Absolute, on the admin's base: a mail program cannot open a bare path.
    assert (
        "Open it: https://admin.newsroom.test"
        + reverse("admin:budget_budgetitem_change", args=[assigned.pk])
        in message.body
    )


def test_the_email_waits_for_the_commit(assigned, users, mailoutbox):
    planning.move(assigned, TOMORROW, None, users["editor"])
    # The test's transaction never commits: nobody hears of a change that
    # could still be rolled back.
    assert mailoutbox == []
    assert assigned.changes.count() == 1


def test_a_mail_server_that_fails_never_undoes_the_move(
    assigned, users, django_capture_on_commit_callbacks, mailoutbox, settings
):
    """The change commits and its mail waits in the worker's queue: the
    request that moved the item never talks to a mail server."""
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody there
    with django_capture_on_commit_callbacks(execute=True):
        planning.move(assigned, TOMORROW, None, users["editor"])
    assigned.refresh_from_db()
    assert assigned.planned_time is None
    assert mailoutbox == []
    queued = DBTaskResult.objects.filter(queue_name="mail")
    assert [task.args_kwargs["kwargs"]["subject"] for task in queued] == [
        "[The Newsroom] GWM-TALKS: moved"
    ]


def test_nobody_is_emailed_about_their_own_move(assigned, users, mailbox):
    assigned.assignees.add(users["editor"])
    mail = mailbox(lambda: planning.move(assigned, TOMORROW, None, users["editor"]))
    assert recipients(mail) == ["journalist@newsroom.test"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TOMORROW - datetime.timedelta(days=2), "That day has gone"),
        (None, "Choose the day."),
    ],
)
def test_a_move_to_no_day_or_a_past_day_is_refused(assigned, users, day, message):
    with pytest.raises(planning.PlanningError, match=message):
        planning.move(assigned, day, None, users["editor"])
    assert assigned.changes.count() == 0


def test_only_editors_move(assigned, users):
    with pytest.raises(planning.PlanningError, match="Only editors may move"):
        planning.move(assigned, TOMORROW, None, users["author"])
    assigned.refresh_from_db()
    assert assigned.planned_time == datetime.time(7, 0)


def test_a_published_story_keeps_its_own_slot(assigned, users):
    assigned.story = ArticleFactory(published=True)
    assigned.save()
    with pytest.raises(planning.PlanningError, match="its slot is the story's"):
        planning.move(assigned, TOMORROW, None, users["editor"])


def test_moving_to_the_same_slot_logs_and_mails_nothing(assigned, users, mailbox):
    mail = mailbox(
        lambda: planning.move(assigned, TOMORROW, datetime.time(7, 0), users["editor"])
    )
    assert (assigned.changes.count(), mail) == (0, [])


# Spiking


def test_spiking_logs_and_tells_the_assignee(assigned, users, mailbox):
    mail = mailbox(
        lambda: planning.spike(assigned, users["editor"], comment="Talks collapsed.")
    )
    assigned.refresh_from_db()
    assert assigned.status == Status.SPIKED
    assert log_of(assigned) == [(Kind.STATUS, "Assigned", "Spiked")]
    assert recipients(mail) == ["journalist@newsroom.test"]
    assert mail[0].subject.endswith("GWM-TALKS: spiked")


@pytest.mark.parametrize("story_state", ["draft", "in_review", "published"])
def test_an_item_with_its_story_is_not_spiked(assigned, users, story_state):
    """The budget shows the story's state once there is one: spiking the
    item would change nothing the desk sees, so the story is acted on."""
    assigned.story = ArticleFactory(**{story_state: True})
    assigned.save()
    assert planning.spike_refusal(users["editor"], assigned).startswith(
        "It has its story"
    )
    with pytest.raises(planning.PlanningError, match="It has its story"):
        planning.spike(assigned, users["editor"])
    with pytest.raises(planning.PlanningError, match="Only editors may spike"):
        planning.spike(assigned, users["author"])
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED


# Turning an item into a story


def test_starting_the_story_makes_a_draft_from_the_item(frozen_now, users, mailbox):
    bmw = CompanyFactory(name="BMW Group")
    newcomer = UserFactory(username="newcomer", first_name="Nia", last_name="Brook")
    item = BudgetItemFactory(
        slug_line="GWM-TALKS",
        status=Status.ASSIGNED,
        assignees=[users["author"], newcomer],
        entities=[bmw],
    )
    mail = mailbox(lambda: planning.start_story(item, users["editor"]))

    item.refresh_from_db()
    story = item.story
    assert (story.headline, story.status, story.section) == (
        "GWM-TALKS",
        Article.Status.DRAFT,
        item.section,
    )
    # The assignees are its bylines (by surname); one who had none has one now.
    assert [a.name for a in story.byline_authors] == ["Jo Reporter", "Nia Brook"]
    assert Author.objects.get(user=newcomer).name == "Nia Brook"
    assert list(story.entities.all()) == [bmw.entity_ptr]
    assert item.state_label == "Draft"
    assert item.status == Status.ASSIGNED
    assert log_of(item) == [(Kind.STORY, "", "GWM-TALKS")]
    # A first version of the story, with its bylines, as for any save.
    (version,) = Version.objects.get_for_object(story)
    assert version.revision.comment == "Started from the story budget"
    assert version.revision.user == users["editor"]
    assert recipients(mail) == ["journalist@newsroom.test", "newcomer@newsroom.test"]
    assert (
        "Open it: https://admin.newsroom.test"
        + reverse("admin:articles_article_change", args=[story.pk])
        in mail[0].body
    )


def test_an_item_becomes_a_story_once(frozen_now, users):
    item = BudgetItemFactory()
    planning.start_story(item, users["editor"])
    with pytest.raises(planning.PlanningError, match="already has its story"):
        planning.start_story(item, users["editor"])
    assert Article.objects.count() == 1


def test_a_story_that_fails_halfway_leaves_nothing_behind(
    frozen_now, users, monkeypatch
):
    item = BudgetItemFactory(entities=[CompanyFactory()], assignees=[users["author"]])

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The story and its bylines are written by then; linking entities fails.
    monkeypatch.setattr(ArticleEntity.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        planning.start_story(item, users["editor"])

    item.refresh_from_db()
    assert (Article.objects.count(), item.story, item.changes.count()) == (0, None, 0)
    assert item.version == 1


@pytest.mark.parametrize(
    ("role", "assign", "allowed"),
    [
        ("editor", False, True),
        ("author", True, True),  # a journalist starts their own assignment
        ("author", False, False),
        ("journalist", False, False),
    ],
)
def test_who_may_start_a_story(frozen_now, users, role, assign, allowed):
    item = BudgetItemFactory(assignees=[users[role]] if assign else [])
    refusal = planning.story_refusal(users[role], item)
    assert (refusal is None) == allowed, refusal


def test_a_spiked_item_gets_no_story(frozen_now, users):
    item = BudgetItemFactory(status=Status.SPIKED)
    with pytest.raises(planning.PlanningError, match="spiked"):
        planning.start_story(item, users["editor"])


# Assigning


def test_assigning_follows_the_draft_s_bylines(frozen_now, users, mailbox):
    item = BudgetItemFactory(status=Status.IDEA)
    planning.start_story(item, users["editor"])
    item.refresh_from_db()
    version = item.story.version
    before = planning.Plan.of(item)
    item.assignees.set([users["author"]])
    item.status = Status.ASSIGNED
    item.save()

    mail = mailbox(lambda: planning.record_changes(item, before, users["editor"]))

    assert [a.user for a in item.story.byline_authors] == [users["author"]]
    # The story changed: a form left open on it saves as an edit conflict.
    assert Article.objects.get(pk=item.story_id).version == version + 1
    assert log_of(item)[-2:] == [
        (Kind.STATUS, "Idea", "Assigned"),
        (Kind.ASSIGNED, "nobody", "journalist"),
    ]
    assert recipients(mail) == ["journalist@newsroom.test"]
    assert mail[0].subject.endswith(": assigned to you")

    # Taken off again: the byline goes, and they are told.
    before = planning.Plan.of(item)
    item.assignees.set([users["journalist"]])
    mail.clear()
    mail = mailbox(lambda: planning.record_changes(item, before, users["editor"]))
    assert [a.user for a in item.story.byline_authors] == [users["journalist"]]
    assert {m.subject.rsplit(": ", 1)[1]: m.to for m in mail} == {
        "assigned to you": ["other_journalist@newsroom.test"],
        "no longer yours": ["journalist@newsroom.test"],
    }


def test_a_pitch_is_logged_and_emails_the_editors(frozen_now, users, mailbox):
    item = BudgetItemFactory(created_by=users["author"])
    mail = mailbox(lambda: planning.record_changes(item, None, users["author"]))
    assert log_of(item) == [(Kind.PITCHED, "", "Wed 11 Jun 2025, any time")]
    assert recipients(mail) == ["editor@newsroom.test"]
    assert mail[0].subject.endswith(": pitched")
