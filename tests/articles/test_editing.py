"""articles.editing: the rules of an editorial save, whoever saves."""

import pytest
from reversion.models import Version

from articles.editing import EditConflict, save_story
from articles.models import Article, SlugRedirect
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_a_journalists_new_story_is_theirs(journalist):
    story = Article(
        headline="Great Wall opens a plant", slug="", section=SectionFactory()
    )
    save_story(story, journalist)
    assert [b.author.user for b in story.bylines.all()] == [journalist]
    assert Version.objects.get_for_object(story).count() == 1


def test_an_editors_new_story_gets_no_byline_of_theirs(editor):
    story = save_story(
        Article(headline="From the desk", section=SectionFactory()), editor
    )
    assert not story.bylines.exists()


def test_a_stale_save_changes_nothing(editor):
    story = ArticleFactory(headline="As first written")
    stale = Article.objects.get(pk=story.pk)
    story.headline = "Saved by someone else"
    save_story(story, editor, base_version=story.version, changed_fields=["headline"])

    stale.headline = "Mine, from an old form"
    with pytest.raises(EditConflict) as conflict:
        save_story(
            stale, editor, base_version=stale.version, changed_fields=["headline"]
        )
    assert conflict.value.current.headline == "Saved by someone else"
    assert Article.objects.get(pk=story.pk).headline == "Saved by someone else"
    assert Version.objects.get_for_object(story).count() == 1


def test_a_public_storys_new_address_keeps_the_old_one_working(editor, frozen_now):
    story = ArticleFactory(published=True, slug="old-address")
    story.slug = "new-address"
    save_story(story, editor, base_version=story.version, changed_fields=["slug"])
    assert SlugRedirect.objects.get(old_slug="old-address").article == story
    # The slug alone is not news: no "updated" stamp.
    assert story.updated_at is None


@pytest.mark.parametrize(("minor", "stamped"), [(False, True), (True, False)])
def test_changed_text_is_news_unless_the_edit_is_minor(
    editor, frozen_now, minor, stamped
):
    story = ArticleFactory(published=True)
    version = story.version
    story.body = "<p>A figure corrected.</p>"
    save_story(
        story,
        editor,
        base_version=story.version,
        changed_fields=["body"],
        minor_edit=minor,
    )
    story.refresh_from_db()
    assert (story.updated_at == frozen_now) is stamped
    assert story.version == version + 1
