"""Counting a million rows on every admin page load costs more than the page:
past a threshold, the planner's estimate is what the changelist shows."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 10_000


class EstimatedCountPaginator(Paginator):
    """Exact counts for small results, PostgreSQL's row estimate for large
    ones (the page numbers stay right; "of about N" is close enough)."""

    exact_up_to = EXACT_UP_TO

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        estimate = self.estimate(queryset, connection)
        if estimate is None or estimate <= self.exact_up_to:
            return super().count
        return estimate

    @staticmethod
    def estimate(queryset, connection) -> int | None:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        try:
            return int(plan[0]["Plan"]["Plan Rows"])
        except (KeyError, IndexError, TypeError, ValueError):
            return None
