"""Search: the GIN index over the public stories' words gains their day of
publication (UTC), so a search finds its newest matches among the recent
days' stories from the index alone (articles.search.newest_matches).

PostgreSQL only, like the index it replaces (0006); btree_gin lets a GIN
index hold a date. Built before the old index goes, under a new name, so
searches always have an index. At a million stories it takes some five
minutes."""

from django.db import migrations

SEARCH_INDEX_BY_DAY = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS article_search_day_idx ON articles_article "
    "USING gin (search_vector, ((published_at AT TIME ZONE 'UTC')::date)) "
    "WHERE status = 'published'",
    "DROP INDEX IF EXISTS article_search_idx",
    "ALTER INDEX article_search_day_idx RENAME TO article_search_idx",
]
SEARCH_INDEX_BY_WORDS = [
    "CREATE INDEX IF NOT EXISTS article_search_words_idx ON articles_article "
    "USING gin (search_vector) WHERE status = 'published'",
    "DROP INDEX IF EXISTS article_search_idx",
    "ALTER INDEX article_search_words_idx RENAME TO article_search_idx",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_words"),
    ]

    operations = [
        migrations.RunPython(run(SEARCH_INDEX_BY_DAY), run(SEARCH_INDEX_BY_WORDS)),
    ]
