"""Querysets compiled once per process.

Django compiles a queryset to SQL every time it is evaluated. For the query
a reader's page runs on every cache miss (the story page's: the public-story
filter, two joined tables, three JSON arrays), compiling took three times as
long as PostgreSQL took to answer it. A PreparedQuery compiles its queryset
once per database alias, with marks in place of the values that change from
one request to the next; afterwards it puts the request's values in the
marks' places, runs the SQL, and turns the rows into instances as Django's
own iterable does (select_related, annotations, deferred fields), then
follows the queryset's prefetch_related lookups.

A lookup whose best plan is the same for any value (a row by its unique
slug) can go further: ``PreparedQuery(..., server_plan=True)`` sends the
values apart from the SQL and has PostgreSQL keep the statement
(newsroom.postgresql's prepared_cursor()), so that after a few runs it
stops planning it: planning the story page's query took twice as long as
running it. A list whose best plan depends on the value (an entity in a
tenth of the archive, or in three stories) is left to be planned each time.

Only for querysets whose SQL does not depend on the values themselves: a
string, a number or a time compared with a column is fine; a list whose length varies,
or a None that would become IS NULL, is not (compile() refuses a mark it
cannot find in the parameters).
"""

import datetime
import threading

from django.db import connections, router
from django.db.models import prefetch_related_objects
from django.db.models.query import get_related_populators

# Marks no request sends: control characters in a string, the first
# microseconds of the year 1 for a time, the most negative bigints for a
# number (an id).
_MARKERS = {
    str: lambda index, name: f"\x1fprepared:{name}\x1f",
    datetime.datetime: lambda index, name: datetime.datetime(
        1, 1, 1, microsecond=index + 1, tzinfo=datetime.UTC
    ),
    int: lambda index, name: -(2**63) + index,
}


class PreparedQuery:
    """``build(**values)`` makes the queryset of ``model`` instances;
    ``kinds`` names each value and its type (str, int or datetime). Calling the
    PreparedQuery with the values returns the list of instances.
    ``server_plan``: PostgreSQL may keep one plan for every value."""

    def __init__(self, model, build, *, server_plan=False, **kinds):
        unknown = {kind for kind in kinds.values() if kind not in _MARKERS}
        if unknown:
            raise TypeError(f"PreparedQuery cannot mark values of {unknown}")
        self.model = model
        self.build = build
        self.kinds = kinds
        self.server_plan = server_plan
        self._compiled = {}
        self._lock = threading.Lock()

    def __call__(self, **values) -> list:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(alias, self.compile(alias))
        compiler, sql, params, slots, prefetches = compiled
        params = list(params)
        for position, name, adapt in slots:
            params[position] = adapt(values[name])
        database = connections[alias]
        cursor = (
            database.prepared_cursor()
            if self.server_plan and hasattr(database, "prepared_cursor")
            else database.cursor()
        )
        with cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        instances = list(_instances(compiler, rows, alias))
        if prefetches and instances:
            prefetch_related_objects(instances, *prefetches)
        return instances

    def compile(self, alias: str):
        marks = {
            name: _MARKERS[kind](index, name)
            for index, (name, kind) in enumerate(self.kinds.items())
        }
        queryset = self.build(**marks)
        if queryset.model is not self.model:
            raise TypeError(f"{self.build} makes {queryset.model}, not {self.model}")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # A value reaches the SQL as it is (PostgreSQL) or as the backend
        # adapts it (SQLite writes times as text): each slot keeps how.
        forms = [
            (name, form, adapt)
            for name, mark in marks.items()
            for adapt in _adapters(self.kinds[name], connections[alias])
            for form in [adapt(mark)]
        ]
        slots = []
        for position, param in enumerate(params):
            for name, form, adapt in forms:
                if type(param) is type(form) and param == form:
                    slots.append((position, name, adapt))
                    break
        if sorted({name for _, name, _ in slots}) != sorted(marks):
            raise ValueError(
                f"PreparedQuery: {sorted(marks)} do not all reach the SQL as "
                "parameters; this queryset cannot be prepared"
            )
        return compiler, sql, tuple(params), slots, queryset._prefetch_related_lookups


def _adapters(kind, connection) -> list:
    """The ways a value of ``kind`` may reach the SQL's parameters."""
    unchanged = [lambda value: value]
    if kind is datetime.datetime:
        return [*unchanged, connection.ops.adapt_datetimefield_value]
    return unchanged


def _instances(compiler, rows, alias):
    """What django.db.models.query.ModelIterable makes of ``rows``."""
    select, klass_info = compiler.select, compiler.klass_info
    annotation_col_map = compiler.annotation_col_map
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    related_populators = get_related_populators(klass_info, select, alias)
    for row in compiler.results_iter([rows]):
        instance = model.from_db(alias, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, instance)
        for name, position in annotation_col_map.items():
            setattr(instance, name, row[position])
        yield instance
