"""The story list's filters, in the desk's words. Each panel of the desk's
home (articles.admin.home) links to the list filtered by these, and the
home's counts use the same querysets, so a panel's count is the length of
the list it opens."""

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article, Correction, EditingSession
from entities.models import MentionSuggestion

Status = Article.Status


def newsroom_day_start(now: datetime.datetime, days: int = 0) -> datetime.datetime:
    """Midnight in the newsroom's time zone (settings.TIME_ZONE), ``days``
    after the day ``now`` falls on."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def newsroom_week_start(now: datetime.datetime) -> datetime.datetime:
    """Monday, midnight, newsroom time, of the week ``now`` falls in."""
    weekday = timezone.localtime(now, timezone.get_default_timezone()).weekday()
    return newsroom_day_start(now, -weekday)


# What each state of a story means as a filter: a scheduled story is not
# "published" to the desk until readers can see it.
STATES = {
    "draft": ("Draft", lambda qs: qs.filter(status=Status.DRAFT)),
    "sent_back": ("Sent back (changes requested)", lambda qs: qs.sent_back()),
    "in_review": ("In review", lambda qs: qs.filter(status=Status.IN_REVIEW)),
    "scheduled": ("Scheduled", lambda qs: qs.scheduled()),
    "published": ("Published (readers see it)", lambda qs: qs.published()),
    "withdrawn": ("Withdrawn", lambda qs: qs.filter(status=Status.WITHDRAWN)),
}


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in STATES.items()]

    def queryset(self, request, queryset):
        if self.value() in STATES:
            return STATES[self.value()][1](queryset)
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "My stories")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(bylines__author__user=request.user)
        return queryset


def when_filters(now: datetime.datetime):
    today, tomorrow_ends = newsroom_day_start(now), newsroom_day_start(now, 2)
    return {
        "24h": (
            "Published in the last 24 hours",
            lambda qs: qs.published().filter(
                published_at__gte=now - datetime.timedelta(hours=24)
            ),
        ),
        "week": (
            "Published this week (since Monday)",
            lambda qs: qs.published().filter(
                published_at__gte=newsroom_week_start(now)
            ),
        ),
        "next_two_days": (
            "Scheduled for today or tomorrow",
            lambda qs: qs.scheduled().filter(published_at__lt=tomorrow_ends),
        ),
        "corrected_today": (
            "Corrected today",
            lambda qs: qs.filter(
                Exists(
                    Correction.objects.filter(
                        article=OuterRef("pk"), published_at__gte=today
                    )
                )
            ),
        ),
    }


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        filters = when_filters(timezone.now())
        return [(key, label) for key, (label, _) in filters.items()]

    def queryset(self, request, queryset):
        filters = when_filters(timezone.now())
        if self.value() in filters:
            return filters[self.value()][1](queryset)
        return queryset


def open_now(queryset, now: datetime.datetime):
    """Stories someone has open in the change form right now."""
    return queryset.filter(
        Exists(EditingSession.objects.current(now).filter(article=OuterRef("pk")))
    )


class OpenNowFilter(admin.SimpleListFilter):
    title = "open now"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("now", "Someone is editing it")]

    def queryset(self, request, queryset):
        if self.value() == "now":
            return open_now(queryset, timezone.now())
        return queryset


def with_pending_suggestions(queryset):
    return queryset.filter(
        Exists(
            MentionSuggestion.objects.filter(
                article=OuterRef("pk"), state=MentionSuggestion.State.PENDING
            )
        )
    )


class SuggestionsFilter(admin.SimpleListFilter):
    title = "suggested links"
    parameter_name = "suggestions"

    def lookups(self, request, model_admin):
        return [("pending", "Waiting for a decision")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return with_pending_suggestions(queryset)
        return queryset
