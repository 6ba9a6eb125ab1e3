"""The list of changes (/api/v1/changes/) walks stories in the order they
last changed for a partner: GREATEST(modified_at, published_at), so that a
scheduled story appears in it when its time comes, without a save. Indexed
here rather than on the Article model, because only the API asks it; the
expression must stay the one api.views.CHANGED_AT compiles to. PostgreSQL
only: the SQLite of a first try has no GREATEST and needs no index."""

from django.db import migrations

INDEX = (
    "CREATE INDEX api_article_changed_idx ON articles_article "
    "(GREATEST(modified_at, published_at), id)"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS api_article_changed_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("articles", "0012_media_lookup_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
