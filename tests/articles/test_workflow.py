"""The editorial workflow: each step, its audit record, its version, its emails,
the review queue and the audit log's admin."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Revision

from articles import history
from articles.models import Article, Transition
from articles.workflow import Action, WorkflowError, available_actions, perform
from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    UserFactory,
    publish_at_fields,
    workflow_form_data,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
Status = Article.Status

# action, the state the story is in, the status it ends in, who takes the step
STEPS = [
    (Action.SUBMIT, "draft", Status.IN_REVIEW, "author"),
    (Action.REQUEST_CHANGES, "in_review", Status.DRAFT, "editor"),
    (Action.REQUEST_CHANGES, "scheduled", Status.DRAFT, "editor"),
    (Action.PUBLISH, "in_review", Status.PUBLISHED, "editor"),
    (Action.SCHEDULE, "in_review", Status.PUBLISHED, "editor"),
    (Action.WITHDRAW, "published", Status.WITHDRAWN, "editor"),
]
STEP_IDS = [f"{action.value}-from-{state}" for action, state, _, _ in STEPS]


def step_arguments(action, now):
    """What ``perform`` needs besides the story, the action and the person."""
    return {
        Action.REQUEST_CHANGES: {"comment": "The second source is thin."},
        Action.SCHEDULE: {"publish_at": now + 2 * HOUR},
        Action.WITHDRAW: {
            "comment": "Legal asked us to.",
            "public_notice": "Withdrawn pending a legal review.",
        },
    }.get(action, {})


def latest_version(article):
    return history.versions_of(article).first()


# Each step through articles.workflow.perform


@pytest.mark.parametrize(("action", "state", "to_status", "actor"), STEPS, ids=STEP_IDS)
def test_perform_takes_the_step_and_records_it(
    story, users, frozen_now, action, state, to_status, actor
):
    article = story(state)
    from_status, version = article.status, article.version
    arguments = step_arguments(action, frozen_now)

    transition = perform(article, action, users[actor], **arguments)

    assert article.status == to_status  # the caller's copy is refreshed
    article.refresh_from_db()
    assert article.status == to_status
    assert article.version == version + 1
    assert Transition.objects.get() == transition
    assert (
        transition.article,
        transition.user,
        transition.action,
        transition.from_status,
        transition.to_status,
        transition.comment,
        transition.created_at,
    ) == (
        article,
        users[actor],
        action.value,
        from_status,
        to_status,
        arguments.get("comment", ""),
        frozen_now,
    )
    saved = latest_version(article)
    assert saved.revision.comment == action.label
    assert saved.revision.user == users[actor]
    assert saved.field_dict["status"] == to_status
    assert saved.field_dict["version"] == article.version


@pytest.mark.parametrize("action", [Action.REQUEST_CHANGES, Action.WITHDRAW])
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_sending_back_and_withdrawing_need_a_comment(story, editor, action, comment):
    article = story("in_review" if action == Action.REQUEST_CHANGES else "published")
    status, version = article.status, article.version

    with pytest.raises(WorkflowError, match="needs a comment"):
        perform(article, action, editor, comment=comment)

    article.refresh_from_db()
    assert (article.status, article.version) == (status, version)
    assert not Transition.objects.exists()
    assert not Revision.objects.exists()


@pytest.mark.parametrize("delta", [-HOUR, datetime.timedelta(0)], ids=["past", "now"])
def test_a_schedule_must_be_in_the_future(story, editor, frozen_now, delta):
    article = story("in_review")
    with pytest.raises(WorkflowError, match="must be in the future"):
        perform(article, Action.SCHEDULE, editor, publish_at=frozen_now + delta)
    with pytest.raises(WorkflowError, match="Choose the time"):
        perform(article, Action.SCHEDULE, editor)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.IN_REVIEW, None)
    assert not Transition.objects.exists()


def test_publish_sets_the_publish_time_to_now(story, editor, frozen_now):
    article = story("in_review")
    perform(article, Action.PUBLISH, editor)
    assert article.published_at == frozen_now
    assert article.first_published_at == frozen_now
    assert article.is_published


def test_schedule_sets_the_publish_time_and_records_it(story, editor, frozen_now):
    when = frozen_now + 5 * HOUR
    article = story("in_review")
    transition = perform(article, Action.SCHEDULE, editor, publish_at=when)
    assert (article.status, article.published_at) == (Status.PUBLISHED, when)
    assert transition.publish_at == when
    assert not article.is_published
    assert available_actions(editor, article) == [Action.REQUEST_CHANGES]


def test_republishing_keeps_the_first_publish_time(story, editor, frozen_now):
    first = frozen_now - datetime.timedelta(days=30)
    article = story("in_review", first_published_at=first)
    perform(article, Action.PUBLISH, editor)
    assert article.published_at == frozen_now
    assert article.first_published_at == first


def test_sending_back_a_scheduled_story_clears_its_slot(story, editor, frozen_now):
    article = story("in_review")
    perform(article, Action.SCHEDULE, editor, publish_at=frozen_now + HOUR)
    perform(article, Action.REQUEST_CHANGES, editor, comment="Hold it.")
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    # It never reached readers: it has not been "first published" either.
    assert article.first_published_at is None


def test_withdraw_keeps_the_notice_for_readers(story, editor):
    article = story("published")
    transition = perform(
        article,
        Action.WITHDRAW,
        editor,
        comment="Legal asked us to.",
        public_notice="  Withdrawn pending a legal review.  ",
    )
    assert article.status == Status.WITHDRAWN
    assert article.withdrawal_notice == "Withdrawn pending a legal review."
    assert transition.comment == "Legal asked us to."


@pytest.mark.parametrize(
    ("action", "state", "actor", "reason"),
    [
        (Action.PUBLISH, "in_review", "author", "Only editors may publish"),
        (Action.SCHEDULE, "in_review", "author", "Only editors may schedule"),
        (Action.WITHDRAW, "published", "author", "Only editors may withdraw"),
        (Action.SUBMIT, "draft", "journalist", "Only the story's authors"),
        (Action.SUBMIT, "in_review", "editor", "cannot be submitted"),
        (Action.PUBLISH, "draft", "editor", "cannot be published"),
        (Action.WITHDRAW, "scheduled", "editor", "Only a story readers can see"),
        (Action.REQUEST_CHANGES, "published", "editor", "withdrawn, not sent back"),
        (Action.PUBLISH, "withdrawn", "superuser", "cannot be published"),
    ],
)
def test_perform_refuses_what_the_rules_refuse(
    story, users, frozen_now, action, state, actor, reason
):
    article = story(state)
    before = Article.objects.values().get(pk=article.pk)
    with pytest.raises(WorkflowError, match=reason):
        perform(article, action, users[actor], **step_arguments(action, frozen_now))
    assert Article.objects.values().get(pk=article.pk) == before
    assert not Transition.objects.exists()


# The same steps through the admin's workflow buttons


@pytest.mark.parametrize(("action", "state", "to_status", "actor"), STEPS, ids=STEP_IDS)
def test_a_workflow_button_saves_the_edits_then_takes_the_step(
    story, users, client_as, frozen_now, action, state, to_status, actor
):
    article = story(state)
    from_status, version = article.status, article.version
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = workflow_form_data(article, action, headline="Edited with the step")

    client = client_as(actor)
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == url
    article.refresh_from_db()
    assert article.headline == "Edited with the step"
    assert article.status == to_status
    assert article.version == version + 2  # the save, then the step
    transition = Transition.objects.get()
    assert (transition.user, transition.action, transition.created_at) == (
        users[actor],
        action.value,
        frozen_now,
    )
    assert transition.comment == data.get("workflow_comment", "")
    # One version for the save and the step, labelled with the step, holding
    # the story as the step left it.
    saved = latest_version(article)
    assert saved.revision.comment == action.label
    assert saved.field_dict["status"] == to_status
    assert saved.field_dict["headline"] == "Edited with the step"
    assert saved.field_dict["version"] == article.version
    # The change form's workflow log shows the step.
    log = client.get(url).content.decode()
    step = f"{Status(from_status).label} → {Status(to_status).label}"
    assert step in log
    assert f"{action.label.lower()} done" in log  # the success message


def test_scheduling_in_the_admin_reads_the_newsrooms_time(story, client_as, frozen_now):
    article = story("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = workflow_form_data(
        article,
        "schedule",
        workflow_publish_at_0="2025-06-10",
        workflow_publish_at_1="12:00:00",
    )
    assert client_as("editor").post(url, data).status_code == 302
    article.refresh_from_db()
    # 12:00 in London in June is 11:00 UTC.
    assert article.published_at == datetime.datetime(
        2025, 6, 10, 11, 0, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    ("action", "state", "field", "message"),
    [
        ("request_changes", "in_review", "workflow_comment", "needs a comment"),
        ("withdraw", "published", "workflow_comment", "needs a comment"),
        ("schedule", "in_review", "workflow_publish_at", "must be in the future"),
        ("schedule", "in_review", "workflow_publish_at", "Choose the time"),
    ],
)
def test_a_refused_button_shows_a_form_error_and_saves_nothing(
    story, client_as, frozen_now, action, state, field, message
):
    article = story(state)
    before = Article.objects.values().get(pk=article.pk)
    data = workflow_form_data(article, action, headline="Not saved")
    data["workflow_comment"] = ""
    if message == "must be in the future":
        data |= publish_at_fields(frozen_now - datetime.timedelta(seconds=1))
    else:
        data |= {"workflow_publish_at_0": "", "workflow_publish_at_1": ""}

    response = client_as("editor").post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert Article.objects.values().get(pk=article.pk) == before
    assert not Transition.objects.exists()
    assert not Revision.objects.exists()


def test_an_unknown_workflow_action_is_a_form_error(story, client_as):
    article = story("in_review")
    response = client_as("editor").post(
        reverse("admin:articles_article_change", args=[article.pk]),
        workflow_form_data(article, "teleport"),
    )
    assert response.status_code == 200
    assert (
        "Unknown workflow action."
        in response.context["adminform"].form.errors["__all__"]
    )
    assert Article.objects.get().status == Status.IN_REVIEW


# Emails


@pytest.fixture
def mailbox(mail_worker, django_capture_on_commit_callbacks):
    """Run ``step()`` and return the emails the background worker sends once
    its transaction commits."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            step()
        return list(mail_worker())

    return run


def recipients(mail):
    return sorted(address for message in mail for address in message.to)


def test_submitting_emails_the_editors(story, users, mailbox):
    editors = Group.objects.get(name="Editors")
    for user in [
        UserFactory(username="night_editor"),
        UserFactory(username="retired_editor", is_active=False),  # not emailed
        UserFactory(username="silent_editor", email=""),  # no address
    ]:
        user.groups.add(editors)
    article = story("draft", headline="Great Wall talks")

    mail = mailbox(lambda: perform(article, Action.SUBMIT, users["author"]))

    assert recipients(mail) == [
        "editor@newsroom.test",
        "night_editor@newsroom.test",
    ]
    # One mail each: nobody's address is shown to the others.
    assert [message.to for message in mail] == [
        ["editor@newsroom.test"],
        ["night_editor@newsroom.test"],
    ]
    message = mail[0]
    assert message.subject == "Ready for review: Great Wall talks"
    assert "journalist has sent “Great Wall talks” for review." in message.body
    admin_url = reverse("admin:articles_article_change", args=[article.pk])
    assert f"https://admin.newsroom.test{admin_url}" in message.body


def test_sending_back_emails_the_authors_with_the_comment(story, users, mailbox):
    co_author = UserFactory(username="co_author")
    AuthorFactory(user=co_author)
    article = story("in_review")
    article.bylines.create(author=co_author.author, order=1)

    mail = mailbox(
        lambda: perform(
            article,
            Action.REQUEST_CHANGES,
            users["editor"],
            comment="Please get a second source for the plant figures.",
        )
    )

    assert recipients(mail) == ["co_author@newsroom.test", "journalist@newsroom.test"]
    assert mail[0].subject == f"Changes requested: {article.headline}"
    assert "Please get a second source for the plant figures." in mail[0].body


def test_scheduling_emails_the_authors_with_the_time(story, users, mailbox, frozen_now):
    article = story("in_review")
    when = datetime.datetime(2025, 6, 11, 7, 0, tzinfo=datetime.UTC)
    mail = mailbox(
        lambda: perform(article, Action.SCHEDULE, users["editor"], publish_at=when)
    )
    assert recipients(mail) == ["journalist@newsroom.test"]
    assert "It goes live on 11 June 2025 at 08:00 (BST)" in mail[0].body
    assert f"https://news.newsroom.test/stories/{article.slug}/" in mail[0].body


def test_publishing_emails_the_authors(story, users, mailbox):
    article = story("in_review")
    mail = mailbox(lambda: perform(article, Action.PUBLISH, users["editor"]))
    assert recipients(mail) == ["journalist@newsroom.test"]
    (message,) = mail
    assert message.subject == f"Published: {article.headline}"
    public_url = f"https://news.newsroom.test/stories/{article.slug}/"
    assert f"Readers can see it now:\n\n{public_url}" in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{public_url}">' in html


def test_withdrawing_emails_nobody(story, users, mailbox):
    article = story("published")
    mail = mailbox(
        lambda: perform(
            article, Action.WITHDRAW, users["editor"], comment="Legal asked us to."
        )
    )
    assert mail == []


def test_nobody_is_emailed_about_their_own_step(story, users, mailbox):
    editor = users["editor"]
    AuthorFactory(user=editor)
    article = story("draft")
    article.bylines.create(author=editor.author, order=1)

    submitted = mailbox(lambda: perform(article, Action.SUBMIT, editor))
    assert recipients(submitted) == []  # the only editor is the one submitting
    published = mailbox(lambda: perform(article, Action.PUBLISH, editor))
    assert recipients(published) == ["journalist@newsroom.test"]


def test_emails_wait_for_the_commit(story, users, mailoutbox, mail_worker):
    article = story("in_review")
    perform(article, Action.PUBLISH, users["editor"])
    mail_worker()
    # The test's transaction never commits, so nobody hears of a step that
    # could still be rolled back.
    assert mailoutbox == []


def test_the_admin_button_sends_the_email(story, client_as, mailbox):
    article = story("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = client_as("editor")
    mail = mailbox(lambda: client.post(url, workflow_form_data(article, "publish")))
    assert recipients(mail) == ["journalist@newsroom.test"]


def test_a_refused_button_sends_no_email(story, client_as, mailbox):
    article = story("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = client_as("author")
    mail = mailbox(lambda: client.post(url, workflow_form_data(article, "publish")))
    assert mail == []


# The review queue


def submit_at(article, user, when, time_machine):
    time_machine.move_to(when, tick=False)
    perform(article, Action.SUBMIT, user)


def test_review_queue_lists_waiting_stories_oldest_first(
    story, users, client_as, frozen_now, time_machine
):
    newest = story("draft", headline="Newest submission")
    oldest = story("draft", headline="Oldest submission")
    by_editor = story("draft", headline="Submitted by the editor")
    story("draft", headline="Still a draft")
    story("published", headline="Already out")
    submit_at(newest, users["author"], frozen_now - HOUR, time_machine)
    submit_at(oldest, users["author"], frozen_now - 3 * HOUR, time_machine)
    submit_at(by_editor, users["editor"], frozen_now - 2 * HOUR, time_machine)
    time_machine.move_to(frozen_now, tick=False)

    response = client_as("journalist").get(
        reverse("admin:articles_article_review_queue")
    )

    assert response.status_code == 200
    rows = [(story.headline, user.username) for story, user in response.context["rows"]]
    assert rows == [
        ("Oldest submission", "journalist"),
        ("Submitted by the editor", "editor"),
        ("Newest submission", "journalist"),
    ]
    html = response.content.decode()
    assert html.index("Oldest submission") < html.index("Newest submission")
    assert "Still a draft" not in html
    assert "Already out" not in html
    assert reverse("admin:articles_article_change", args=[oldest.pk]) in html


def test_a_resubmitted_story_waits_from_its_latest_submission(
    story, users, client_as, frozen_now, time_machine
):
    sent_back = story("draft", headline="Sent back once")
    waiting = story("draft", headline="Waiting")
    submit_at(sent_back, users["author"], frozen_now - 3 * HOUR, time_machine)
    submit_at(waiting, users["author"], frozen_now - 2 * HOUR, time_machine)
    perform(sent_back, Action.REQUEST_CHANGES, users["editor"], comment="Fix it.")
    submit_at(sent_back, users["author"], frozen_now - HOUR, time_machine)

    response = client_as("editor").get(reverse("admin:articles_article_review_queue"))

    assert [s.headline for s, _ in response.context["rows"]] == [
        "Waiting",
        "Sent back once",
    ]


def test_admin_index_links_to_the_review_queue_with_a_count(story, client_as, users):
    for _ in range(2):
        perform(story("draft"), Action.SUBMIT, users["author"])
    ArticleFactory(in_review=True)  # in review without a recorded submission

    response = client_as("editor").get(reverse("admin:index"))

    queue = response.context["home"]["panels"][0]
    assert (queue.title, queue.count) == ("Review queue", 3)
    html = response.content.decode()
    assert f'href="{reverse("admin:articles_article_review_queue")}"' in html


def test_review_queue_needs_a_login(client):
    response = client.get(reverse("admin:articles_article_review_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# The desk's comments


@pytest.mark.parametrize("role", ["author", "journalist", "editor"])
def test_the_desk_comments_on_a_story(client, client_as, story, users, role):
    article = story("published")
    url = reverse("admin:articles_article_comment", args=[article.pk])
    staff = client_as(role)

    response = staff.post(url, {"text": "Is the plant figure from 2019?"})

    assert response.status_code == 302
    comment = article.comments.get()
    assert (comment.author, comment.text) == (
        users[role],
        "Is the plant figure from 2019?",
    )
    change_page = staff.get(response["Location"]).content.decode()
    assert "Is the plant figure from 2019?" in change_page
    assert "1 comment from the desk" in change_page
    assert (
        "Is the plant figure"
        not in client.get(article.get_absolute_url()).content.decode()
    )


def test_an_empty_comment_is_refused(client_as, story):
    article = story("draft")
    url = reverse("admin:articles_article_comment", args=[article.pk])
    client = client_as("author")
    assert client.post(url, {"text": "  "}).status_code == 302
    assert client.get(url).status_code == 405
    assert not article.comments.exists()


def test_anonymous_cannot_comment(client, story):
    article = story("draft")
    url = reverse("admin:articles_article_comment", args=[article.pk])
    assert client.post(url, {"text": "Spam"})["Location"].startswith(
        reverse("admin:login")
    )
    assert not article.comments.exists()


# The audit log in the admin


@pytest.fixture
def audit_log(story, users, frozen_now):
    published = story("in_review", headline="Published one")
    perform(published, Action.PUBLISH, users["editor"])
    submitted = story("draft", headline="Submitted one")
    perform(submitted, Action.SUBMIT, users["author"])
    return Transition.objects.all()


@pytest.mark.parametrize("role", ["author", "editor", "superuser"])
def test_the_audit_log_can_be_read_and_filtered(audit_log, client_as, role):
    url = reverse("admin:articles_transition_changelist")
    client = client_as(role)

    everything = client.get(url)
    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 2

    published = client.get(url, {"action": "publish"})
    assert published.status_code == 200
    assert [t.article.headline for t in published.context["cl"].result_list] == [
        "Published one"
    ]


def test_the_audit_log_is_read_only(audit_log, client_as):
    transition = audit_log.get(action=Action.PUBLISH)
    change_url = reverse("admin:articles_transition_change", args=[transition.pk])
    for role in ["editor", "superuser"]:
        client = client_as(role)
        assert client.get(reverse("admin:articles_transition_add")).status_code == 403
        page = client.get(change_url)
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        forged = client.post(change_url, {"comment": "Rewritten", "action": "submit"})
        assert forged.status_code == 403
        delete_url = reverse("admin:articles_transition_delete", args=[transition.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
    transition.refresh_from_db()
    assert (transition.comment, transition.action) == ("", "publish")
    assert Transition.objects.count() == 2


# Query budgets: the queue and the log cost the same whatever their length


def grow_queue(story, users, n):
    """``n`` stories waiting, each submitted, sent back and submitted again."""
    for _ in range(n):
        article = story("draft")
        perform(article, Action.SUBMIT, users["author"])
        perform(article, Action.REQUEST_CHANGES, users["editor"], comment="Again.")
        perform(article, Action.SUBMIT, users["editor"])


@pytest.mark.parametrize(
    ("admin_url", "budget"),
    [
        ("admin:articles_article_review_queue", 6),
        # The step filter lists the workflow's steps, not the log's distinct codes.
        ("admin:articles_transition_changelist", 10),
    ],
)
def test_query_budget(client_as, story, users, admin_url, budget):
    grow_queue(story, users, 2)
    assert_budget(
        client_as("editor"),
        reverse(admin_url),
        lambda: grow_queue(story, users, 8),
        budget,
    )


def test_the_journalist_sees_requested_changes_at_the_top(client, editor, journalist):
    author = AuthorFactory(user=journalist)
    article = ArticleFactory(status="in_review", authors=[author])
    perform(article, "request_changes", editor, comment="Add the date of the letter.")
    client.force_login(journalist)
    html = client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    top = html.split('name="headline"')[0]
    assert "Changes requested" in top
    assert "Add the date of the letter." in top
