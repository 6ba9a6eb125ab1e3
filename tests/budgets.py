"""Query budgets: a page's SQL count is pinned, and must not grow with its content."""

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(queries.captured_queries)


def assert_budget(client, url: str, grow, budget: int, warm: int | None = None):
    """Assert ``url`` runs exactly ``budget`` queries with nothing cached,
    before and after ``grow()`` adds more of what the page lists; and, if
    given, ``warm`` queries when what pages derive from the archive (the
    section list, related stories…) is already in the cache. Every warm
    budget counts the one read of the page generation, which says whether
    what the cache holds is still true (newsroom/caching.py)."""
    cache.clear()
    before = queries_for(client, url)
    grow()
    cache.clear()
    after = queries_for(client, url)
    assert (before, after) == (budget, budget), (
        f"{url}: {before} then {after} queries, budget {budget}"
    )
    if warm is not None:
        # The page itself from the page cache would run one: the generation.
        with override_settings(PAGE_CACHE_SECONDS=0):
            again = queries_for(client, url)
        assert again == warm, f"{url}: {again} queries when warm, budget {warm}"
