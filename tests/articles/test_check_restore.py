"""manage.py check_restore: what a restored database and its media may have
lost, found before readers do."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Byline, Rendition
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CompanyFactory,
    CorrectionFactory,
    RenderedImageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Media in a directory of the test's own, as in production."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def newsroom(db):
    image = RenderedImageFactory()
    article = ArticleFactory(
        published=True,
        lead_image=image,
        entities=[CompanyFactory()],
        authors=[AuthorFactory()],
    )
    CorrectionFactory(article=article)
    return article


def check(*args):
    """(passed, output) of one run."""
    out = io.StringIO()
    try:
        call_command("check_restore", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def test_a_sound_restore_passes_and_prints_its_counts(newsroom):
    passed, output = check()

    assert passed, output
    assert "every migration is applied" in output
    for model, count in [
        ("articles.Article", 1),
        ("articles.Byline", 1),
        ("articles.ArticleEntity", 1),
        ("articles.Correction", 1),
        ("articles.Image", 1),
        ("articles.Rendition", Rendition.objects.count()),
        ("entities.Company", 1),
    ]:
        assert f"  {model:<40} {count:>10,}" in output
    assert "links checked" in output
    assert f"{1 + Rendition.objects.count()} files named by rows" in output
    assert "No problems found." in output


def test_a_media_file_lost_in_the_restore_is_a_problem(newsroom, media_on_disk):
    lost = newsroom.lead_image.renditions.first()
    (media_on_disk / lost.file.name).unlink()

    passed, output = check()

    assert not passed
    assert "1 files named by rows are missing from the storage" in output
    assert f"{lost.file.name} (articles.Rendition {lost.pk})" in output
    assert "1 problem found" in output


def test_files_no_row_names_are_reported_and_fail_only_with_strict(
    newsroom, media_on_disk
):
    stray = media_on_disk / "images" / "2020" / "01" / "left-over.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not referenced")

    passed, output = check()
    assert passed, output
    assert "1 files in the storage are named by no row" in output
    assert "images/2020/01/left-over.jpg" in output

    passed, output = check("--strict")
    assert not passed
    assert "images/2020/01/left-over.jpg" in output


def test_links_to_rows_that_are_not_there_are_problems(newsroom):
    """PostgreSQL's foreign keys are checked at commit (deferred), as after a
    restore made without its constraints: the rows can be there inside this
    test's transaction."""
    byline = Byline.objects.get()
    rendition = Rendition.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_byline SET author_id = 987654 WHERE id = %s", [byline.pk]
        )
        cursor.execute(
            "UPDATE articles_rendition SET image_id = 987655 WHERE id = %s",
            [rendition.pk],
        )
        try:
            passed, output = check("--skip-media")
        finally:
            # The test's end checks the deferred constraints: mend the rows.
            cursor.execute(
                "UPDATE articles_byline SET author_id = %s WHERE id = %s",
                [byline.author_id, byline.pk],
            )
            cursor.execute(
                "UPDATE articles_rendition SET image_id = %s WHERE id = %s",
                [rendition.image_id, rendition.pk],
            )

    assert not passed
    assert "articles.Byline.author → articles.Author: 1 row(s) point at a " in output
    assert f"articles.Byline {byline.pk} → 987654" in output
    assert "articles.Rendition.image → articles.Image: 1 row(s)" in output
    assert "2 problems found" in output


def test_an_entity_without_its_kind_row_is_a_problem(newsroom):
    ghost = Entity.objects.create(kind=Entity.Kind.COMPANY, name="Ghost Motors")

    passed, output = check("--skip-media")

    assert not passed
    assert "1 entities of kind company have no Company row" in output
    assert f"entity {ghost.pk}: Ghost Motors" in output


def test_a_sequence_behind_its_table_is_a_problem(newsroom):
    """What a data-only restore leaves: the next story would collide."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('articles_article', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last_value, is_called = cursor.fetchone()
        # setval outlives the test's transaction: put it back afterwards.
        cursor.execute("SELECT setval(%s, 1, false)", [sequence])
        try:
            passed, output = check("--skip-media")
        finally:
            cursor.execute(
                "SELECT setval(%s, %s, %s)", [sequence, last_value, is_called]
            )

    assert not passed
    assert f"articles_article.id: next 1, max {newsroom.pk}" in output
    assert "sqlsequencereset" in output


def test_a_public_story_missing_from_search_is_a_problem(newsroom):
    ArticleFactory(published=True)
    type(newsroom).objects.filter(pk=newsroom.pk).update(search_vector=None)

    passed, output = check("--skip-media")

    assert not passed
    assert "1 public stories cannot be found by search" in output


def test_an_image_whose_file_was_not_restored(newsroom):
    image = newsroom.lead_image
    type(image).objects.filter(pk=image.pk).update(file="images/gone.jpg")

    passed, output = check()

    assert not passed
    assert f"images/gone.jpg (articles.Image {image.pk})" in output
    # Its real file is now named by no row: reported, not a failure.
    assert f"{image.file.name}" in output
    assert "1 problem found" in output
