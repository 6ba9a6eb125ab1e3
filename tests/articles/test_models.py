import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_headline_and_stays_unique():
    first = ArticleFactory(headline="BMW in talks with Great Wall")
    second = ArticleFactory(headline="BMW in talks with Great Wall")
    assert first.slug == "bmw-in-talks-with-great-wall"
    assert second.slug == "bmw-in-talks-with-great-wall-2"
    assert first.get_absolute_url() == "/stories/bmw-in-talks-with-great-wall/"


def test_an_edited_slug_is_kept():
    article = ArticleFactory(headline="Long headline", slug="short")
    article.headline = "Another headline"
    article.save()
    assert article.slug == "short"


def test_author_slug_from_name():
    assert AuthorFactory(name="Anna Schmidt").slug == "anna-schmidt"


def test_published_means_published_and_its_time_has_come():
    now, day = timezone.now(), datetime.timedelta(days=1)
    public = ArticleFactory(status="published", published_at=now - day)
    ArticleFactory(status="published", published_at=now + day)
    ArticleFactory(status="draft")
    ArticleFactory(status="in_review")
    ArticleFactory(status="withdrawn", published_at=now - day)
    assert list(Article.objects.published()) == [public]
    assert public.is_published


def test_state_label_says_when_a_scheduled_story_comes_out(frozen_now):
    # 08:30 UTC is 09:30 in London: the desk reads newsroom time.
    tomorrow = datetime.datetime(2025, 6, 11, 8, 30, tzinfo=datetime.UTC)
    scheduled = Article(status="published", published_at=tomorrow)
    assert scheduled.state_label() == "Scheduled for 11 Jun 2025, 09:30"
    assert scheduled.state_label(time_only=True) == "Scheduled for 09:30"
    out = Article(status="published", published_at=frozen_now)
    assert out.state_label() == out.state_label(time_only=True) == "Published"
    assert Article(status="in_review").state_label() == "In review"
    assert Article(status="withdrawn", published_at=frozen_now).state_label() == (
        "Withdrawn"
    )


def test_is_published_matches_the_queryset():
    for article in [
        ArticleFactory(status="published", published_at=timezone.now()),
        ArticleFactory(
            status="published",
            published_at=timezone.now() + datetime.timedelta(minutes=1),
        ),
        ArticleFactory(status="draft"),
    ]:
        in_queryset = Article.objects.published().filter(pk=article.pk).exists()
        assert article.is_published == in_queryset


def test_first_published_time_is_set_once():
    when = timezone.now() - datetime.timedelta(days=2)
    article = ArticleFactory(status="published", published_at=when)
    assert article.first_published_at == when
    article.published_at = timezone.now()
    article.save()
    assert article.first_published_at == when


def test_published_story_needs_a_publish_time():
    with pytest.raises(IntegrityError):
        Article.objects.create(
            headline="No time", section=SectionFactory(), status="published"
        )


def test_image_needs_alt_text():
    image = ImageFactory()
    with pytest.raises(IntegrityError):
        Image.objects.filter(pk=image.pk).update(alt_text="")


def test_image_dimensions_are_read_from_the_file():
    image = ImageFactory()
    assert (image.width, image.height) == (64, 36)


def test_byline_order_is_kept():
    first, second = AuthorFactory(name="Zoe Zed"), AuthorFactory(name="Adam Ant")
    article = ArticleFactory(authors=[first, second])
    assert article.byline_authors == [first, second]


def test_was_updated():
    when = timezone.now() - datetime.timedelta(hours=2)
    article = ArticleFactory(status="published", published_at=when)
    assert not article.was_updated
    article.updated_at = when + datetime.timedelta(hours=1)
    assert article.was_updated
