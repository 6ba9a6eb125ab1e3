"""Search that forgives: the trigram indexes over the names and aliases of
companies, people and brands become GIN instead of GiST.

The closest name to a misspelled stretch is now found among the names that
share enough of its trigrams (``name % words``, articles.spelling), and a
part of a name among those that contain it (``ILIKE``); GIN answers both
from its lists of names by trigram, where GiST's nearest-first walk read
names it would reject (40 ms against 14, for "BMW Gorup" among 77,000 names
and aliases). PostgreSQL only, like the indexes it replaces (0014); each
new index is built before the old one goes."""

from django.db import migrations

# Names change seldom and are searched often: without GIN's pending list, a
# search never reads a list of unsorted new entries (after a bulk import of
# entities, until autovacuum merged it), and the planner never prices the
# index by it.
OPTIONS = {"gin": " WITH (fastupdate = off)", "gist": ""}

TABLES = {
    "entity_name_trgm_idx": "entities_entity",
    "alias_name_trgm_idx": "entities_alias",
}


def swap(method):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, table in TABLES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name}_new ON {table} "
                f"USING {method} (name {method}_trgm_ops){OPTIONS[method]}"
            )
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
            schema_editor.execute(f"ALTER INDEX {name}_new RENAME TO {name}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_by_day"),
        ("entities", "0007_detection_evidence"),
    ]

    operations = [migrations.RunPython(swap("gin"), swap("gist"))]
