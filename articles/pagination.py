"""Story lists that stay fast at any depth.

The first pages are numbered (?page=2) and read with a small OFFSET; past
them, and on every "Older stories" link from there, the address carries a
cursor (?before=<time>~<id>) and the database seeks straight to it along the
list's index. Nothing counts the whole list: a page knows whether there is
an older one by asking for one story more than it shows.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from newsroom.prepared import PreparedQuery

# Up to here a page number's OFFSET is a few hundred index entries.
MAX_NUMBERED_PAGE = 20


@dataclass
class StoryPage:
    """What a story list page needs to draw its pager."""

    object_list: list
    number: int | None  # None on a cursor page
    older_url: str | None = None
    newer_url: str | None = None
    cursor: str | None = None
    has_other_pages: bool = field(init=False)

    def __post_init__(self):
        self.has_other_pages = bool(self.older_url or self.newer_url)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def cursor_of(story) -> str:
    return f"{story.published_at.isoformat()}~{story.pk}"


def parse_cursor(value: str):
    try:
        when, pk = value.rsplit("~", 1)
        published_at = datetime.datetime.fromisoformat(when)
        pk = int(pk)
    except ValueError as error:
        raise Http404("Not a page of this list.") from error
    if published_at.tzinfo is None:
        raise Http404("Not a page of this list.")
    return published_at, pk


class StoryList:
    """A list of public stories, newest first, drawn as cards (for_cards()).

    The stories are those readers see (``Article.objects.published``),
    narrowed by ``narrow(stories, **values)`` when the list has values (a
    section's id, an entity's…); ``kinds`` names each value and its type,
    as for newsroom.prepared. The first page, the one most readers ask for
    and the one a publish takes out of every cache, is read with a query
    compiled once per process for each page size: compiling the list took
    longer than PostgreSQL took to answer it."""

    def __init__(self, narrow=None, **kinds):
        self.narrow = narrow
        self.kinds = kinds
        self._first_pages = {}

    def stories(self, now=None, **values):
        from articles.models import Article

        stories = Article.objects.published(now=now)
        if self.narrow is not None:
            stories = self.narrow(stories, **values)
        return stories.for_cards().order_by("-published_at", "-pk")

    def first_page(self, size: int, **values) -> list:
        """The list's newest ``size`` stories."""
        query = self._first_pages.get(size)
        if query is None:
            from articles.models import Article

            query = self._first_pages.setdefault(
                size,
                PreparedQuery(
                    Article,
                    lambda **marks: self.stories(**marks)[:size],
                    now=datetime.datetime,
                    **self.kinds,
                ),
            )
        return query(now=timezone.now(), **values)


def paginate_stories(request, stories, per_page=None, first_page=None) -> StoryPage:
    """One page of ``stories`` (newest first: -published_at, -pk).
    ``first_page(size)``, if given, reads the first page's stories instead
    (StoryList.first_page)."""
    per_page = per_page or settings.STORIES_PER_PAGE
    before = request.GET.get("before")
    if before:
        published_at, pk = parse_cursor(before)
        rows = list(
            # The first condition is implied by the second; it is there so
            # that PostgreSQL can start its index scan at the cursor.
            stories.filter(published_at__lte=published_at).filter(
                Q(published_at__lt=published_at)
                | Q(published_at=published_at, pk__lt=pk)
            )[: per_page + 1]
        )
        number = None
    else:
        raw = request.GET.get("page", "1")
        # Only ASCII digits: "²" is a digit to isdigit(), and int() refuses it.
        if (
            not (raw.isascii() and raw.isdigit())
            or not 1 <= int(raw) <= MAX_NUMBERED_PAGE
        ):
            raise Http404("No such page.")
        number = int(raw)
        offset = (number - 1) * per_page
        if number == 1 and first_page is not None:
            rows = first_page(per_page + 1)
        else:
            rows = list(stories[offset : offset + per_page + 1])
    if not rows and (before or number > 1):
        raise Http404("No such page.")
    has_older, rows = len(rows) > per_page, rows[:per_page]

    older_url = newer_url = None
    if has_older:
        if number is not None and number < MAX_NUMBERED_PAGE:
            older_url = "?" + urlencode({"page": number + 1})
        else:
            older_url = "?" + urlencode({"before": cursor_of(rows[-1])})
    if number is None:
        newer_url = request.path  # back to the newest
    elif number > 1:
        newer_url = (
            "?" + urlencode({"page": number - 1}) if number > 2 else request.path
        )
    return StoryPage(
        rows, number, older_url, newer_url, cursor=before if number is None else None
    )


class StoryPagesMixin:
    """For a ListView of stories: numbered, then cursor, pages (see above),
    of STORIES_PER_PAGE, read when the page is asked for (so a setting
    changed at run time, or in a test, is honoured).

    A view whose stories are a StoryList sets ``story_list`` and returns
    the list's values from ``story_list_values()``; its queryset is then the
    list's, and its first page the list's prepared one."""

    story_list = None

    def story_list_values(self) -> dict:
        return {}

    def get_queryset(self):
        # Built only if a page needs it: the first page is the list's
        # prepared query, and building the queryset cost a third of a
        # millisecond that page did not use.
        values = self.story_list_values()
        return SimpleLazyObject(lambda: self.story_list.stories(**values))

    def get_paginate_by(self, queryset):
        return settings.STORIES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        first_page = None
        if self.story_list is not None:
            values = self.story_list_values()
            first_page = functools.partial(self.story_list.first_page, **values)
        page = paginate_stories(self.request, queryset, page_size, first_page)
        return None, page, page.object_list, page.has_other_pages
