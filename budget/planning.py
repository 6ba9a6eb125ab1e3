"""What changes the budget: pitching and planning items, moving a slot,
assigning, spiking, and turning an item into a draft story.

As in ``articles.workflow``, each change happens inside a transaction with
the item's row locked, is written to the budget's audit log
(``BudgetChange``), and only once that has committed are the people it
concerns emailed; a mail server that is down is logged and never undoes the
desk's change. Who may do what:

- journalists see the whole budget, pitch ideas (new items, status "idea",
  nobody assigned) and edit their own pitches until an editor takes them up;
  they may start the story of an item they are assigned to;
- editors (``budget.plan_budgetitem``) plan, assign, move and spike.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks

from articles.models import Article, ArticleEntity, Author, Byline
from budget.models import BudgetChange, BudgetItem, describe_people, describe_slot
from newsroom.mail import Mail, admin_link, queue_mail
from newsroom.text import display_name

logger = logging.getLogger(__name__)
Status = BudgetItem.Status


class PlanningError(Exception):
    """A change the rules refuse; the message is meant for the person."""


def is_planner(user) -> bool:
    return user.is_active and user.has_perm("budget.plan_budgetitem")


def can_edit(user, item: BudgetItem) -> bool:
    """Editors edit any item; a journalist only their own pitch, while it is
    still an idea nobody has been given and no story exists."""
    if not user.has_perm("budget.change_budgetitem"):
        return False
    if is_planner(user):
        return True
    return (
        item.pk is not None
        and item.created_by_id == user.pk
        and item.status == Status.IDEA
        and item.story_id is None
        and not item.assignees.exists()
    )


def story_refusal(user, item: BudgetItem) -> str | None:
    """Why ``user`` may not turn ``item`` into a draft story now, or None."""
    if item.story_id is not None:
        return "This item already has its story."
    if item.status == Status.SPIKED:
        return "A spiked item gets no story: bring it back first."
    if not user.has_perm("articles.add_article"):
        return "You may not write stories."
    if not (is_planner(user) or item.assignees.filter(pk=user.pk).exists()):
        return "Only editors and the people assigned may start the story."
    return None


def spike_refusal(user, item: BudgetItem) -> str | None:
    """Why ``user`` may not spike ``item``, or None. Once the item has its
    story, the budget shows the story's state, so spiking the item would
    change nothing the desk sees: the story is the thing to act on."""
    if not is_planner(user):
        return "Only editors may spike an item."
    if item.status == Status.SPIKED:
        return "This item is spiked already."
    if item.story_id is not None:
        return (
            "It has its story: the budget follows the story. Delete the draft, "
            "or send the story back or withdraw it, instead."
        )
    return None


def move_refusal(user, item: BudgetItem) -> str | None:
    if not is_planner(user):
        return "Only editors may move an item."
    return fixed_slot(item)


def fixed_slot(item: BudgetItem) -> str | None:
    """Why ``item``'s slot cannot move, whoever asks (the calendar offers a
    move only where this is None), or None."""
    if item.status == Status.SPIKED and item.story_id is None:
        return "A spiked item has no slot to move."
    if item.is_placed_by_story:
        return (
            "Its story is published or scheduled: its slot is the story's "
            "publish time, changed in the story."
        )
    return None


def slot_refusal(
    date: datetime.date | None, time: datetime.time | None = None
) -> str | None:
    if date is None:
        return "Choose the day."
    if date < timezone.localdate():
        return "That day has gone: choose today or a later day."
    return None


@dataclass(frozen=True)
class Plan:
    """What the audit log and the emails compare: an item's slot, people and
    status at one moment."""

    date: datetime.date
    time: datetime.time | None
    assignee_ids: frozenset[int]
    status: str

    @classmethod
    def of(cls, item: BudgetItem) -> Plan:
        return cls(
            item.planned_date,
            item.planned_time,
            frozenset(item.assignees.values_list("pk", flat=True)),
            item.status,
        )

    @property
    def slot(self) -> str:
        return describe_slot(self.date, self.time)


def record_changes(
    item: BudgetItem, before: Plan | None, user, *, comment: str = ""
) -> list[BudgetChange]:
    """Write what changed between ``before`` (None for a new item) and the
    item as saved, and email the people concerned once it has committed.
    Call inside the transaction that saved the item."""
    after = Plan.of(item)
    users = get_user_model().objects.in_bulk(
        after.assignee_ids | (before.assignee_ids if before else frozenset())
    )
    changes, messages = [], []

    def log(kind, old="", new=""):
        changes.append(
            BudgetChange.objects.create(
                item=item,
                user=user,
                kind=kind,
                before=old,
                after=new,
                comment=comment,
                created_at=timezone.now(),
            )
        )

    if before is None:
        pitched = item.status == Status.IDEA and not is_planner(user)
        log(
            BudgetChange.Kind.PITCHED if pitched else BudgetChange.Kind.PLANNED,
            "",
            after.slot,
        )
        if pitched:
            messages.append(_pitch_message(item, user))
        old_ids: frozenset[int] = frozenset()
    else:
        if (before.date, before.time) != (after.date, after.time):
            log(BudgetChange.Kind.MOVED, before.slot, after.slot)
            messages += _messages(
                item,
                user,
                [users[pk] for pk in after.assignee_ids & before.assignee_ids],
                "moved",
                f"moved it from {before.slot} to {after.slot}.",
            )
        if before.status != after.status:
            log(
                BudgetChange.Kind.STATUS,
                Status(before.status).label,
                Status(after.status).label,
            )
            if after.status == Status.SPIKED:
                messages += _messages(
                    item,
                    user,
                    [users[pk] for pk in after.assignee_ids],
                    "spiked",
                    "spiked it: it will not run.",
                )
        old_ids = before.assignee_ids
    if old_ids != after.assignee_ids:
        log(
            BudgetChange.Kind.ASSIGNED,
            describe_people(users[pk] for pk in old_ids) if before else "",
            describe_people(users[pk] for pk in after.assignee_ids),
        )
        added = [users[pk] for pk in after.assignee_ids - old_ids]
        removed = [users[pk] for pk in old_ids - after.assignee_ids]
        messages += _messages(
            item, user, added, "assigned to you", "assigned it to you."
        )
        messages += _messages(
            item, user, removed, "no longer yours", "took you off it."
        )
        follow_assignees_in_bylines(item, old_ids, after.assignee_ids, user)
    if comment:
        messages = [message.with_comment(comment) for message in messages]
    if messages:
        send(messages)
    return changes


def save_plan(
    item: BudgetItem,
    user,
    change: Callable[[BudgetItem], None],
    *,
    comment: str = "",
) -> list[BudgetChange]:
    """Lock ``item``, apply ``change(locked)`` (which may raise
    PlanningError), save it and record what changed, in one transaction."""
    with transaction.atomic():
        locked = (
            BudgetItem.objects.select_for_update(of=("self",))
            .select_related("story", "section")
            .get(pk=item.pk)
        )
        before = Plan.of(locked)
        change(locked)
        locked.version += 1
        locked.save()
        changes = record_changes(locked, before, user, comment=comment)
    item.refresh_from_db()
    return changes


def move(
    item: BudgetItem,
    date: datetime.date,
    time: datetime.time | None,
    user,
    *,
    comment: str = "",
) -> list[BudgetChange]:
    """Give the item a new slot, or raise PlanningError and change nothing."""
    if reason := slot_refusal(date, time):
        raise PlanningError(reason)

    def to_new_slot(locked):
        if reason := move_refusal(user, locked):
            raise PlanningError(reason)
        locked.planned_date, locked.planned_time = date, time

    return save_plan(item, user, to_new_slot, comment=comment)


def spike(item: BudgetItem, user, *, comment: str = "") -> list[BudgetChange]:
    """Drop the item from the budget (it stays in the log and the filter)."""

    def to_spiked(locked):
        if reason := spike_refusal(user, locked):
            raise PlanningError(reason)
        locked.status = Status.SPIKED

    return save_plan(item, user, to_spiked, comment=comment)


def start_story(item: BudgetItem, user) -> Article:
    """Turn the item into a draft story, in one transaction: the story with
    the item's section, the assignees' bylines and the item's companies,
    people and brands, linked back from the item. Raise PlanningError and
    save nothing when the rules refuse it."""
    with transaction.atomic(), reversion.create_revision():
        locked = (
            BudgetItem.objects.select_for_update(of=("self",))
            .select_related("section")
            .get(pk=item.pk)
        )
        if reason := story_refusal(user, locked):
            raise PlanningError(reason)
        article = Article(
            headline=locked.slug_line, section=locked.section, status="draft"
        )
        article.save()
        people = list(locked.assignees.order_by("last_name", "first_name", "pk"))
        for order, person in enumerate(people):
            Byline.objects.create(
                article=article, author=author_for(person), order=order
            )
        ArticleEntity.objects.bulk_create(
            ArticleEntity(article=article, entity=entity)
            for entity in locked.entities.all()
        )
        locked.story = article
        if locked.status == Status.IDEA and people:
            locked.status = Status.IN_PROGRESS
        locked.version += 1
        locked.save()
        BudgetChange.objects.create(
            item=locked,
            user=user,
            kind=BudgetChange.Kind.STORY,
            after=article.headline,
            created_at=timezone.now(),
        )
        # Bylines and entity links are saved after the story: version them too.
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment("Started from the story budget")
        messages = _messages(
            locked,
            user,
            people,
            "story started",
            "started its story. Open it: "
            + admin_link(reverse("admin:articles_article_change", args=[article.pk])),
        )
        if messages:
            send(messages)
    item.refresh_from_db()
    return article


def author_for(user) -> Author:
    """The user's byline, made when they have none yet (as the story form
    does for a journalist's first story)."""
    return getattr(user, "author", None) or Author.objects.create(
        name=display_name(user), user=user
    )


def follow_assignees_in_bylines(item, old_ids, new_ids, user) -> None:
    """While its story is a draft, the people assigned are its bylines: the
    newly assigned can edit it, those taken off no longer can."""
    story = item.story
    if story is None or story.status != Article.Status.DRAFT:
        return
    people = get_user_model().objects.in_bulk(old_ids | new_ids)
    with reversion.create_revision():
        for pk in new_ids - old_ids:
            author = author_for(people[pk])
            Byline.objects.get_or_create(
                article=story,
                author=author,
                defaults={"order": story.bylines.count()},
            )
        Byline.objects.filter(
            article=story, author__user__in=old_ids - new_ids
        ).delete()
        # A changed story: a form left open on it is now stale, and its
        # save is refused as an edit conflict rather than undoing this.
        Article.objects.filter(pk=story.pk).update(version=F("version") + 1)
        story.refresh_from_db(fields=["version"])
        reversion.add_to_revision(story)
        reversion.set_user(user)
        reversion.set_comment("Bylines follow the budget's assignees")


# Emails


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    to: tuple[str, ...]

    def with_comment(self, comment: str) -> Message:
        first, rest = self.body.split("\n", 1)
        return Message(self.subject, f"{first}\n\nWhy: {comment}\n{rest}", self.to)


def _addresses(people, actor) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                person.email
                for person in people
                if person.email and person.is_active and person.pk != actor.pk
            }
        )
    )


def _item_lines(item: BudgetItem) -> list[str]:
    lines = [
        "",
        f"Slug: {item.slug_line} ({item.section})",
        f"Slot: {describe_slot(item.planned_date, item.planned_time)}",
    ]
    if item.notes:
        lines += ["", "Budget line:", item.notes]
    lines += [
        "",
        "Open it: "
        + admin_link(reverse("admin:budget_budgetitem_change", args=[item.pk])),
    ]
    return lines


def _messages(item, actor, people, what: str, sentence: str) -> list[Message]:
    to = _addresses(people, actor)
    if not to:
        return []
    name = display_name(actor)
    return [
        Message(
            subject=f"[{settings.NEWSROOM_NAME}] {item.slug_line}: {what}",
            body="\n".join([f"{name} {sentence}", *_item_lines(item)]),
            to=to,
        )
    ]


def _pitch_message(item, actor) -> Message:
    editors = get_user_model().objects.filter(is_active=True, groups__name="Editors")
    name = display_name(actor)
    return Message(
        subject=f"[{settings.NEWSROOM_NAME}] {item.slug_line}: pitched",
        body="\n".join([f"{name} pitched an idea.", *_item_lines(item)]),
        to=_addresses(editors, actor),
    )


def send(messages: list[Message]) -> None:
    """Hand the messages to the mail worker (newsroom.mail), one mail per
    person, once the change has committed: a mail server that is down
    delays them and never undoes or slows the change."""
    queue_mail(
        [
            Mail(
                to=address,
                subject=message.subject,
                text=message.body,
                html=linebreaks(message.body, autoescape=True),
            )
            for message in messages
            for address in message.to
        ]
    )
