"""Query budgets: a page's SQL count is pinned, and must not grow with its content."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(queries.captured_queries)


def assert_budget(client, url: str, grow, budget: int) -> None:
    """Assert ``url`` runs exactly ``budget`` queries, before and after
    ``grow()`` adds more of what the page lists."""
    before = queries_for(client, url)
    grow()
    after = queries_for(client, url)
    assert (before, after) == (budget, budget), (
        f"{url}: {before} then {after} queries, budget {budget}"
    )
