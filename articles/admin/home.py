"""The desk's home: what a journalist or an editor has to do today, in
panels, instead of Django's list of apps.

Each panel is one query, whatever the numbers: its first rows and, through
a window count, how many there are in all. Its link opens the story list
filtered to exactly those stories (articles.admin.filters).

Other apps add panels with ``register_home_panel``: the story budget, when
it exists, registers the journalist's assignments from its AppConfig.ready():

    register_home_panel("journalist", my_assignments_panel)

where ``my_assignments_panel(request, now)`` returns a ``Panel``, built by
``panel()`` as the built-in ones are (or None to show nothing). Panels
registered for a role come after the built-in ones.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles.admin.filters import (
    newsroom_day_start,
    open_now,
    when_filters,
    with_pending_suggestions,
)
from articles.models import Article, Correction, EditingSession, Transition
from articles.querysets import display_name
from articles.workflow import Action, is_editor
from entities.models import MentionSuggestion

ROWS = 6  # stories a panel lists; its count and link cover the rest


@dataclass(frozen=True)
class Row:
    title: str
    url: str
    details: list[str] = field(default_factory=list)
    badge: str = ""
    quote: str = ""
    quote_by: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    count: int
    url: str
    rows: list[Row]
    empty: str
    attention: bool = False  # something waits on the person reading it
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


PanelBuilder = Callable[..., Panel | None]
_extra_panels: dict[str, list[PanelBuilder]] = {"journalist": [], "editor": []}


def register_home_panel(role: str, build: PanelBuilder) -> None:
    """Add a panel to the home of ``role`` ("journalist" or "editor"):
    ``build(request, now)`` returns a Panel, or None to show none."""
    _extra_panels[role].append(build)


def unregister_home_panel(role: str, build: PanelBuilder) -> None:
    _extra_panels[role].remove(build)


def story_list(**params) -> str:
    url = reverse("admin:articles_article_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def story_url(pk) -> str:
    return reverse("admin:articles_article_change", args=[pk])


def when(moment: datetime.datetime) -> str:
    """A time as the whole admin writes it, on the newsroom's clock."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def and_others(first: str, count: int) -> str:
    """ "Maren Holloway", "Maren Holloway and 2 others"."""
    others = (count or 1) - 1
    if not others:
        return first
    return f"{first} and {others} other{'s' if others > 1 else ''}"


def counted(queryset, limit=ROWS):
    """The first ``limit`` rows and how many rows there are, in one query."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


def panel(key, title, queryset, url, row, empty, *, attention=False, links=()) -> Panel:
    """A panel of the first rows of ``queryset`` and how many there are, in
    one query, each shown as ``row(obj)`` gives it. ``attention``: when it
    is not empty, someone waits on the person reading it."""
    rows, count = counted(queryset)
    return Panel(
        key,
        title,
        count,
        url,
        [row(obj) for obj in rows],
        empty,
        attention=attention and bool(count),
        links=list(links),
    )


def story_row(story, *details: str, **more) -> Row:
    """A story's headline, linking to its form, with ``details`` under it."""
    return Row(story.headline, story_url(story.pk), list(details), **more)


def _stories(queryset):
    return queryset.select_related("section").defer(
        "body", "body_text", "search_vector"
    )


# The journalist's home: their own stories, by where they are.


def journalist_panels(request, now) -> list[Panel]:
    mine = _stories(Article.objects.filter(bylines__author__user=request.user))
    week = when_filters(now)["week"][1]
    return [
        panel(
            "sent-back",
            "Sent back to you",
            mine.sent_back().with_last_step().order_by("-last_step_at"),
            story_list(mine=1, state="sent_back"),
            lambda s: story_row(
                s,
                f"{s.section} · sent back {when(s.last_step_at)}",
                quote=s.last_comment,
                quote_by=s.last_step_by or "",
            ),
            "Nothing sent back: no editor is waiting on you.",
            attention=True,
        ),
        panel(
            "drafts",
            "Your drafts",
            mine.filter(status=Article.Status.DRAFT)
            .with_last_step()
            .order_by("-modified_at", "-pk"),
            story_list(mine=1, state="draft"),
            lambda s: story_row(
                s,
                f"{s.section} · changed {when(s.modified_at)}",
                badge="Changes requested"
                if s.last_action == Action.REQUEST_CHANGES
                else "",
            ),
            "No drafts. Write a story to start one.",
        ),
        panel(
            "in-review",
            "Waiting for review",
            mine.filter(status=Article.Status.IN_REVIEW)
            .with_last_step()
            .order_by("last_step_at", "pk"),
            story_list(mine=1, state="in_review"),
            lambda s: story_row(
                s,
                f"{s.section} · submitted {when(s.last_step_at)}"
                if s.last_step_at
                else str(s.section),
            ),
            "Nothing of yours is waiting for an editor.",
        ),
        panel(
            "scheduled",
            "Scheduled",
            mine.scheduled().order_by("published_at", "pk"),
            story_list(mine=1, state="scheduled"),
            lambda s: story_row(
                s, f"{s.section} · scheduled for {when(s.published_at)}"
            ),
            "Nothing of yours is scheduled.",
        ),
        panel(
            "published-week",
            "Published this week",
            week(mine).order_by("-published_at", "-pk"),
            story_list(mine=1, when="week"),
            lambda s: story_row(s, f"{s.section} · published {when(s.published_at)}"),
            "Nothing of yours published since Monday yet.",
        ),
    ]


# The editor's home: the whole desk, by what needs an editor.


def editor_panels(request, now) -> list[Panel]:
    stories = _stories(Article.objects.all())
    filters = when_filters(now)
    soon, last_day = filters["next_two_days"][1], filters["24h"][1]
    tomorrow = newsroom_day_start(now, 1)

    submits = Transition.objects.filter(
        article=OuterRef("pk"), action=Action.SUBMIT
    ).order_by("-created_at", "-pk")
    in_review = (
        stories.filter(status=Article.Status.IN_REVIEW)
        .annotate(
            submitted_at=Subquery(submits.values("created_at")[:1]),
            submitted_by=Subquery(
                submits.annotate(by=display_name("user")).values("by")[:1]
            ),
        )
        .order_by("submitted_at", "pk")
    )

    sessions = EditingSession.objects.current(now).filter(article=OuterRef("pk"))
    open_now_by = (
        open_now(stories, now)
        .annotate(
            # The latest to open it by name, and how many have it open: the
            # same on PostgreSQL and on the demo's SQLite.
            editor_name=Subquery(
                sessions.order_by("-seen_at", "-pk")
                .annotate(name=display_name("user"))
                .values("name")[:1]
            ),
            editor_count=Subquery(
                sessions.values("article").annotate(n=Count("pk")).values("n")
            ),
        )
        .order_by("-modified_at", "-pk")
    )

    # The stories the list links to (the same filter), each with its latest
    # correction of the day: the count is of stories, as the list's is.
    latest_correction = Correction.objects.filter(
        article=OuterRef("pk"), published_at__gte=newsroom_day_start(now)
    ).order_by("-published_at", "-pk")
    corrections_today = (
        filters["corrected_today"][1](stories)
        .annotate(
            corrected_at=Subquery(latest_correction.values("published_at")[:1]),
            correction_text=Subquery(latest_correction.values("text")[:1]),
        )
        .order_by("-corrected_at", "-pk")
    )

    pending = MentionSuggestion.objects.filter(
        article=OuterRef("pk"), state=MentionSuggestion.State.PENDING
    )
    with_suggestions = (
        with_pending_suggestions(stories.published())
        .annotate(
            first_suggested=Subquery(
                pending.order_by("entity__name").values("entity__name")[:1]
            ),
            suggested_count=Subquery(
                pending.values("article").annotate(n=Count("pk")).values("n")
            ),
        )
        .order_by("-published_at", "-pk")
    )

    return [
        panel(
            "review-queue",
            "Review queue",
            in_review,
            reverse("admin:articles_article_review_queue"),
            lambda s: story_row(
                s,
                str(s.section),
                f"from {s.submitted_by}" if s.submitted_by else "",
                f"waiting {timesince(s.submitted_at, now)}" if s.submitted_at else "",
            ),
            "Nothing is waiting for review.",
            attention=True,
        ),
        panel(
            "scheduled-soon",
            "Scheduled for today and tomorrow",
            soon(stories).order_by("published_at", "pk"),
            story_list(when="next_two_days"),
            lambda s: story_row(
                s,
                str(s.section),
                ("tomorrow " if s.published_at >= tomorrow else "today ")
                + date_format(timezone.localtime(s.published_at), "H:i"),
            ),
            "Nothing is scheduled for today or tomorrow.",
        ),
        panel(
            "published-24h",
            "Published in the last 24 hours",
            last_day(stories).order_by("-published_at", "-pk"),
            story_list(when="24h"),
            lambda s: story_row(s, str(s.section), f"published {when(s.published_at)}"),
            "Nothing published in the last 24 hours.",
        ),
        panel(
            "editing-now",
            "Being edited right now",
            open_now_by,
            story_list(open="now"),
            lambda s: story_row(
                s,
                s.get_status_display(),
                f"open by {and_others(s.editor_name, s.editor_count)}",
            ),
            "No one has a story open.",
        ),
        panel(
            "corrections-today",
            "Corrections added today",
            corrections_today,
            story_list(when="corrected_today"),
            lambda s: story_row(
                s, when(s.corrected_at), quote=Truncator(s.correction_text).words(25)
            ),
            "No corrections today.",
        ),
        panel(
            "suggestions",
            "Links waiting on published stories",
            with_suggestions,
            story_list(state="published", suggestions="pending"),
            lambda s: story_row(
                s, "suggested: " + and_others(s.first_suggested, s.suggested_count)
            ),
            "Every suggested link on published stories has been decided.",
        ),
    ]


def desk_home(request, now: datetime.datetime | None = None) -> dict:
    """The context of the home page for the person signed in."""
    now = now or timezone.now()
    role = "editor" if is_editor(request.user) else "journalist"
    build = editor_panels if role == "editor" else journalist_panels
    panels = build(request, now)
    for extra in _extra_panels[role]:
        if (panel := extra(request, now)) is not None:
            panels.append(panel)
    return {
        "role": role,
        "panels": panels,
        "now": timezone.localtime(now, timezone.get_default_timezone()),
        "can_write": request.user.has_perm("articles.add_article"),
    }
