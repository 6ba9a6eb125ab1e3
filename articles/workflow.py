"""The editorial workflow: who may move a story from one state to another.

    Draft ──Submit for review──▶ In review ──Publish / Schedule──▶ Published
      ▲                             │                               │
      ├──────Request changes────────┤                           Withdraw
      └───Pull back (its authors)───┘                               ▼
                                                                Withdrawn

Each step is one call to ``perform``: inside a transaction, with the story's
row locked, it checks the rule, moves the story, writes the audit record and a
version of the story, and only once that has committed queues the mail (sent by
the background worker, newsroom/mail.py).
The admin shows the buttons that ``available_actions`` returns; ``perform``
refuses everything else, whatever the request said.
"""

import datetime
from dataclasses import dataclass

import reversion
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Transition
from newsroom.mail import Mail, admin_link, public_link, queue_mail
from newsroom.text import display_name

Status = Article.Status


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit for review"
    REQUEST_CHANGES = "request_changes", "Request changes"
    PUBLISH = "publish", "Publish"
    SCHEDULE = "schedule", "Schedule"
    WITHDRAW = "withdraw", "Withdraw"
    PULL_BACK = "pull_back", "Pull back to draft"


@dataclass(frozen=True)
class Rule:
    from_statuses: frozenset[str]
    to_status: str
    editors_only: bool
    needs_comment: bool = False


RULES = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT}), Status.IN_REVIEW, False),
    Action.REQUEST_CHANGES: Rule(
        frozenset({Status.IN_REVIEW, Status.PUBLISHED}),
        Status.DRAFT,
        True,
        needs_comment=True,
    ),
    Action.PUBLISH: Rule(frozenset({Status.IN_REVIEW}), Status.PUBLISHED, True),
    Action.SCHEDULE: Rule(frozenset({Status.IN_REVIEW}), Status.PUBLISHED, True),
    Action.WITHDRAW: Rule(
        frozenset({Status.PUBLISHED}), Status.WITHDRAWN, True, needs_comment=True
    ),
    # The author's second thoughts: back to the desk before an editor acts.
    Action.PULL_BACK: Rule(frozenset({Status.IN_REVIEW}), Status.DRAFT, False),
}

PAST_TENSE = {
    Action.SUBMIT: "submitted for review",
    Action.REQUEST_CHANGES: "sent back with requested changes",
    Action.PUBLISH: "published",
    Action.SCHEDULE: "scheduled",
    Action.WITHDRAW: "withdrawn",
    Action.PULL_BACK: "pulled back to draft",
}


class WorkflowError(Exception):
    """A step that the rules refuse; the message is meant for the person."""


def is_editor(user) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def is_author(user, article: Article) -> bool:
    return article.pk is not None and article.bylines.filter(author__user=user).exists()


def can_edit(user, article: Article) -> bool:
    """Editors edit any story in any state; journalists only their own drafts."""
    if is_editor(user):
        return user.has_perm("articles.change_article")
    return (
        user.has_perm("articles.change_article")
        and article.status == Status.DRAFT
        and is_author(user, article)
    )


def refusal(user, article: Article, action: Action) -> str | None:
    """Why ``user`` may not take ``action`` on ``article`` now, or None."""
    rule = RULES[action]
    if rule.editors_only and not is_editor(user):
        return f"Only editors may {action.label.lower()}."
    if article.status not in rule.from_statuses:
        return (
            f"A story that is {article.get_status_display().lower()} "
            f"cannot be {PAST_TENSE[action]}."
        )
    if action == Action.SUBMIT and not (is_editor(user) or can_edit(user, article)):
        return "Only the story's authors may submit it for review."
    if action == Action.PULL_BACK:
        return pull_back_refusal(user, article)
    if action == Action.REQUEST_CHANGES and article.is_published:
        return "A published story is withdrawn, not sent back."
    if action == Action.WITHDRAW and not article.is_published:
        # A scheduled story that is not yet public goes back to the desk.
        return "Only a story readers can see can be withdrawn; send it back instead."
    return None


def pull_back_refusal(user, article: Article) -> str | None:
    """A story in review goes back to its authors' draft until an editor acts
    on it: a workflow step moves it out of review, and a save by anyone else
    since it was submitted means the desk has started on it."""
    if not (user.has_perm("articles.change_article") and is_author(user, article)):
        return "Only the story's authors may pull it back."
    submitted = (
        article.transitions.filter(action=Action.SUBMIT)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if submitted is not None and (
        Version.objects.get_for_object(article)
        .filter(revision__date_created__gt=submitted)
        .exclude(revision__user=user)
        .exists()
    ):
        return "An editor has already worked on it; ask the desk to send it back."
    return None


@dataclass(frozen=True)
class Problem:
    """Why a step cannot be taken as asked: ``field`` is the form field the
    message belongs to (None: the step itself)."""

    field: str | None
    message: str
    code: str


def problems(
    user,
    article: Article,
    action: Action,
    *,
    comment: str = "",
    publish_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> list[Problem]:
    """Everything that stops ``user`` taking ``action`` on ``article`` with
    this comment and time; empty if the step may be taken. The one check
    the change form shows and perform() enforces."""
    found = []
    if reason := refusal(user, article, action):
        found.append(Problem(None, reason, "refused"))
    if RULES[action].needs_comment and not comment.strip():
        found.append(
            Problem(
                "workflow_comment",
                f"{action.label} needs a comment saying why.",
                "comment_required",
            )
        )
    if action == Action.SCHEDULE:
        if publish_at is None:
            found.append(
                Problem(
                    "workflow_publish_at",
                    "Choose the time the story should appear.",
                    "required",
                )
            )
        elif publish_at <= (now or timezone.now()):
            found.append(
                Problem(
                    "workflow_publish_at",
                    "A schedule must be in the future; publish it instead.",
                    "past",
                )
            )
    return found


def available_actions(user, article: Article) -> list[Action]:
    if article.pk is None:
        return []
    return [action for action in Action if refusal(user, article, action) is None]


def perform(
    article: Article,
    action: Action | str,
    user,
    *,
    comment: str = "",
    publish_at: datetime.datetime | None = None,
    public_notice: str = "",
) -> Transition:
    """Take one workflow step, or raise WorkflowError and change nothing."""
    action = Action(action)
    rule = RULES[action]
    comment = comment.strip()
    now = timezone.now()
    with transaction.atomic(), reversion.create_revision():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        for problem in problems(
            user, locked, action, comment=comment, publish_at=publish_at, now=now
        ):
            raise WorkflowError(problem.message)
        from_status = locked.status
        locked.status = rule.to_status
        if action == Action.PUBLISH:
            locked.published_at = now
        elif action == Action.SCHEDULE:
            locked.published_at = publish_at
        elif action == Action.REQUEST_CHANGES:
            # Back to the desk: a story that was scheduled loses its slot,
            # and readers never saw it, so it was never first published.
            locked.published_at = None
            if locked.first_published_at and locked.first_published_at > now:
                locked.first_published_at = None
        elif action == Action.WITHDRAW:
            locked.withdrawal_notice = public_notice.strip()
        locked.version += 1
        locked.save()
        transition = Transition.objects.create(
            article=locked,
            user=user,
            action=action,
            from_status=from_status,
            to_status=locked.status,
            comment=comment,
            publish_at=locked.published_at if action == Action.SCHEDULE else None,
            created_at=now,
        )
        reversion.set_user(user)
        reversion.set_comment(action.label)
        # robust: the step is committed by then; whatever goes wrong in
        # queuing its mail is logged, and must not turn the editor's saved
        # step into a 500. Sending is the background worker's (newsroom.mail).
        transaction.on_commit(lambda: notify(transition), robust=True)

    # The caller's copy reflects the new state.
    article.refresh_from_db()
    return transition


SUBJECTS = {
    Action.SUBMIT: "Ready for review: {headline}",
    Action.REQUEST_CHANGES: "Changes requested: {headline}",
    Action.SCHEDULE: "Scheduled: {headline}",
    Action.PUBLISH: "Published: {headline}",
}


def notify(transition: Transition) -> None:
    """Mail the people who need to know about a workflow step: editors when
    a story is submitted; its authors when it is sent back, scheduled or
    published. Queued for the background worker (newsroom.mail), one mail
    per person, every link absolute."""
    article = transition.article
    action = Action(transition.action)
    if action == Action.SUBMIT:
        recipients = get_user_model().objects.filter(
            is_active=True, groups__name="Editors"
        )
    elif action in {Action.REQUEST_CHANGES, Action.SCHEDULE, Action.PUBLISH}:
        recipients = get_user_model().objects.filter(
            is_active=True, author__bylines__article=article
        )
    else:
        return
    people = {
        user.email: user
        for user in recipients.exclude(email="").exclude(pk=transition.user_id)
    }
    if not people:
        return
    actor = display_name(transition.user)
    when = (
        timezone.localtime(article.published_at) if action == Action.SCHEDULE else None
    )
    context = {
        "action": action.value,
        "actor": actor,
        "headline": article.headline,
        "comment": transition.comment,
        "when": when,
        "admin_url": admin_link(
            reverse("admin:articles_article_change", args=[article.pk])
        ),
        "public_url": public_link(article.get_absolute_url())
        if action in {Action.PUBLISH, Action.SCHEDULE}
        else "",
    }
    subject = SUBJECTS[action].format(headline=article.headline)
    queue_mail(
        [
            Mail.render(
                address,
                subject,
                "mail/workflow_step",
                {**context, "name": user.first_name or user.get_username()},
            )
            for address, user in sorted(people.items())
        ]
    )
