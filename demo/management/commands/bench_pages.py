"""Server-side time of each page against the corpus that is loaded now.

Requests go through the whole Django stack in this process (middleware,
views, templates, the database), with the anonymous page cache off, so the
figures are what a cache miss costs. Run it after generate_corpus; see
BENCHMARKS.md for the targets.
"""

import logging
import math
import statistics
import time
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode
from taggit.models import Tag

from articles import search
from articles.models import Article, Section
from articles.pagination import MAX_NUMBERED_PAGE, cursor_of
from entities.models import Entity

EDITOR = "bench-editor"


def misspelt(text: str) -> str:
    """``text`` as a hurried reader types it: two letters of its longest word
    swapped ("Brilliance" → "Brillaince")."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 4:
        middle = len(word) // 2
        word = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    words[longest] = word
    return " ".join(words)


def deep_page_url(path: str, stories, page: int) -> tuple[int, str]:
    """The address of page ``page`` of a story list (or of its last page):
    past the numbered pages, the cursor the "Older" links would lead to."""
    per_page = settings.STORIES_PER_PAGE
    last = max(1, math.ceil(stories.count() / per_page))
    page = min(page, last)
    if page <= MAX_NUMBERED_PAGE:
        return page, f"{path}?page={page}"
    before = stories.order_by("-published_at", "-pk")[(page - 1) * per_page - 1]
    return page, f"{path}?{urlencode({'before': cursor_of(before)})}"


class Command(BaseCommand):
    help = "Print median and p95 server-side time and query counts per page."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument(
            "--deep-page",
            type=int,
            default=2_000,
            help="The deep page of the largest entity and section to time.",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Only the pages whose name starts with this (e.g. 'search').",
        )

    def handle(self, *args, requests, deep_page, only, **options):
        story = Article.objects.published().order_by("-published_at").first()
        if story is None:
            raise CommandError("No public story: run load_demo or generate_corpus.")
        section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
        entity = (
            Entity.objects.filter(name="BMW Group").first()
            or Entity.objects.order_by("pk").first()
        )
        tag = Tag.objects.order_by("pk").first()
        # The deep page asked for, or the last page when there are fewer.
        public = Article.objects.published()
        section_deep, section_deep_url = deep_page_url(
            section.get_absolute_url(), public.filter(section=section), deep_page
        )
        entity_deep, entity_deep_url = deep_page_url(
            entity.get_absolute_url(),
            public.filter(entity_links__entity=entity),
            deep_page,
        )
        rare_word = self.rare_word()
        anonymous = Client(HTTP_HOST="127.0.0.1")
        editor = Client(HTTP_HOST="127.0.0.1")
        editor.force_login(self.editor())
        changelist = reverse("admin:articles_article_changelist")
        pages = [
            ("home", anonymous, "/"),
            ("story", anonymous, story.get_absolute_url()),
            ("section page 1", anonymous, section.get_absolute_url()),
            (
                f"section page {section_deep}",
                anonymous,
                section_deep_url,
            ),
            (f"{entity.name} page 1", anonymous, entity.get_absolute_url()),
            (
                f"{entity.name} page {entity_deep}",
                anonymous,
                entity_deep_url,
            ),
            ("tag page", anonymous, reverse("articles:tag", args=[tag.slug]))
            if tag
            else None,
            ("search: common word", anonymous, "/search/?q=electric"),
            ("search: rare word", anonymous, f"/search/?q={rare_word}"),
            ("search: phrase", anonymous, '/search/?q="joint+venture"'),
            # Corrected: a word no story uses, and a near miss of a name.
            (
                "search: misspelled word",
                anonymous,
                f"/search/?q={misspelt(rare_word)}",
            ),
            (
                "search: misspelled name",
                anonymous,
                f"/search/?q={quote_plus(misspelt(entity.name))}",
            ),
            ("latest feed", anonymous, "/feeds/latest/"),
            # Crawlers' pages, a few requests each: they list the whole archive.
            ("sitemap index", anonymous, "/sitemap.xml", 20),
            ("sitemap: entities", anonymous, "/sitemap-entities.xml", 20),
            # The read API (api/): its answer cache off like the pages, its
            # stories from the fragment cache like their cards.
            ("api: stories", anonymous, "/api/v1/stories/"),
            (
                f"api: stories of {entity.name}",
                anonymous,
                f"/api/v1/stories/?entity={entity.slug}",
            ),
            ("api: story (ninjs)", anonymous, f"/api/v1/stories/{story.slug}/"),
            ("api: changes", anonymous, "/api/v1/changes/?since=2000-01-01"),
            ("admin: story list", editor, changelist),
            (
                "admin: by status and section",
                editor,
                f"{changelist}?status__exact=published&section__id__exact={section.pk}",
            ),
            (
                "admin: change form",
                editor,
                reverse("admin:articles_article_change", args=[story.pk]),
            ),
        ]
        self.stdout.write(
            f"{Article.objects.count():,} stories, {Entity.objects.count():,} "
            f"entities; {requests} requests per page, page cache off\n"
        )
        self.stdout.write(
            f"{'page':<38} {'status':>6} {'queries':>7} {'median':>9} {'p95':>9}"
        )
        # Not-found pages would log a line per request, and so would the
        # request log; neither is what is being measured.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("newsroom.requests").setLevel(logging.WARNING)
        # One client asks thousands of times: no rate limit is measured.
        with override_settings(PAGE_CACHE_SECONDS=0, API_ANONYMOUS_PER_MINUTE=10**9):
            for name, client, url, *fewer in filter(None, pages):
                if name.startswith(only):
                    self.time_page(name, client, url, min([requests, *fewer]))
        self.explain_search(rare_word)

    def time_page(self, name, client, url, requests):
        response = client.get(
            url, secure=True
        )  # warm up: connections, templates, caches
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        # Counted now: the next requests reset the connection's query log.
        query_count = len(queries.captured_queries)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        self.stdout.write(
            f"{name[:38]:<38} {response.status_code:>6} "
            f"{query_count:>7} "
            f"{statistics.median(timings):>7.1f}ms {p95:>7.1f}ms"
        )

    def editor(self):
        user, created = get_user_model().objects.get_or_create(
            username=EDITOR, defaults={"is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name="Editors"))
        return user

    def rare_word(self) -> str:
        with connection.cursor() as cursor:
            # A word in one story of a sample is rare in the whole corpus too.
            cursor.execute(
                "SELECT word FROM ts_stat('SELECT search_vector FROM articles_article "
                "WHERE status = ''published'' ORDER BY id LIMIT 2000') "
                "WHERE ndoc = 1 AND length(word) > 5 ORDER BY word LIMIT 1"
            )
            row = cursor.fetchone()
        return row[0] if row else "platform"

    def explain_search(self, rare_word: str):
        """The plans of the query that finds a search's newest matches: the
        recent days' first (articles.search.newest_matches)."""
        day = search.recent_day()
        for label, query in (
            ("rare word", rare_word),
            ("common word", "electric"),
            ("phrase", '"joint venture"'),
            ("name in a tenth of the stories", "BMW Group"),
        ):
            matches = search.matching(Article.objects.published(), query)
            if day is not None:
                matches = matches.alias(day=search.publish_day()).filter(day__gte=day)
            plan = (
                matches.order_by("-published_at", "-pk")
                .values_list("pk", flat=True)[: search.MAX_RANKED]
                .explain()
                .splitlines()
            )
            if any("article_search_idx" in line for line in plan):
                how = "the GIN index finds the matches"
                if any("::date >=" in line for line in plan):
                    how += " of the days since " + day.isoformat()
            elif any("article_public_idx" in line for line in plan):
                how = "newest first along the publish-time index, matched as read"
            else:
                how = "NEITHER index"
            self.stdout.write(f"\nSearch plan, {label} ({query}): {how}")
            for line in plan:
                self.stdout.write(f"  {line}")
