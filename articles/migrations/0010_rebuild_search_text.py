"""Rebuild every story's searchable text and vector.

The searchable body text now has HTML entities decoded ("AT&T", not
"AT&amp;T"), so stories saved before keep stale text, snippets and vectors
until this runs.
"""

from django.db import migrations


def rebuild(apps, schema_editor):
    from articles.search import body_text_of, story_vector

    Article = apps.get_model("articles", "Article")
    postgres = schema_editor.connection.vendor == "postgresql"
    for article in Article.objects.only("pk", "headline", "dek", "body").iterator(
        chunk_size=500
    ):
        body_text = body_text_of(article.body)
        changes = {"body_text": body_text}
        if postgres:
            changes["search_vector"] = story_vector(
                article.headline, article.dek, body_text
            )
        Article.objects.filter(pk=article.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_correction_version")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
