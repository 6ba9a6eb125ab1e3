"""newsroom.prepared: a queryset compiled once, run with each request's values,
gives what the queryset itself gives."""

import datetime

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.story_page import article_page_queryset, public_story
from newsroom.prepared import PreparedQuery
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CompanyFactory,
    CorrectionFactory,
    RenderedImageFactory,
)

pytestmark = pytest.mark.django_db


def page_query(builds):
    def build(slug, now):
        builds.append((slug, now))
        return article_page_queryset().published(now=now).filter(slug=slug)

    return PreparedQuery(Article, build, slug=str, now=datetime.datetime)


def test_the_instances_are_the_querysets_with_related_rows_prefetches_and_annotations():
    author = AuthorFactory(name="Ada Reporter")
    story = ArticleFactory(
        published=True,
        lead_image=RenderedImageFactory(),
        authors=[author],
        tags=["electric"],
    )
    CorrectionFactory(article=story, text="The plant is in Shenyang.")
    query = page_query([])

    with CaptureQueriesContext(connection) as queries:
        (prepared,) = query(slug=story.slug, now=timezone.now())
        renditions = list(prepared.lead_image.renditions.all())
        section_name = prepared.section.name
    # The story, and the renditions it prefetches; nothing more when read.
    assert len(queries) == 2

    expected = article_page_queryset().published().get(slug=story.slug)
    assert prepared.pk == expected.pk
    assert prepared.get_deferred_fields() == expected.get_deferred_fields()
    assert {"body_text", "search_vector"} <= prepared.get_deferred_fields()
    assert section_name == expected.section.name
    assert prepared.lead_image == expected.lead_image
    assert renditions == list(expected.lead_image.renditions.all())
    assert renditions
    assert prepared.byline_rows == expected.byline_rows
    assert prepared.byline_rows[0]["name"] == "Ada Reporter"
    assert prepared.tag_rows == expected.tag_rows
    assert prepared.correction_rows == expected.correction_rows
    assert prepared.published_at == expected.published_at


def test_it_is_compiled_once_and_then_run_with_each_requests_values():
    builds = []
    query = page_query(builds)
    first = ArticleFactory(published=True)
    second = ArticleFactory(published=True)
    later = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )

    assert [a.pk for a in query(slug=first.slug, now=timezone.now())] == [first.pk]
    assert [a.pk for a in query(slug=second.slug, now=timezone.now())] == [second.pk]
    assert query(slug="no-such-story", now=timezone.now()) == []
    # The time is a value too: the scheduled story is public once it has come.
    assert query(slug=later.slug, now=timezone.now()) == []
    in_two_hours = timezone.now() + datetime.timedelta(hours=2)
    assert [a.pk for a in query(slug=later.slug, now=in_two_hours)] == [later.pk]
    assert len(builds) == 1


def test_a_value_that_never_reaches_the_sql_is_refused():
    query = PreparedQuery(
        Article,
        lambda slug: Article.objects.annotate(marker=Value("fixed")),
        slug=str,
    )
    with pytest.raises(ValueError, match="cannot be prepared"):
        query(slug="anything")


def test_numbers_are_marked_too():
    first, second = ArticleFactory(), ArticleFactory()
    query = PreparedQuery(Article, lambda pk: Article.objects.filter(pk=pk), pk=int)
    assert [a.pk for a in query(pk=first.pk)] == [first.pk]
    assert [a.pk for a in query(pk=second.pk)] == [second.pk]
    assert query(pk=-1) == []


def test_only_strings_numbers_and_times_are_marked():
    with pytest.raises(TypeError):
        PreparedQuery(Article, lambda pks: Article.objects.filter(pk__in=pks), pks=list)


def test_the_story_page_reads_the_public_story_and_nothing_else():
    story = ArticleFactory(published=True)
    draft = ArticleFactory(draft=True)
    withdrawn = ArticleFactory(withdrawn=True)

    assert public_story(story.slug).pk == story.pk
    assert public_story(draft.slug) is None
    assert public_story(withdrawn.slug) is None


def prepared_statements(text: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of this connection's kept statements
    whose SQL contains ``text``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return cursor.fetchall()


def test_a_server_plan_is_kept_by_postgresql_and_planned_once():
    stories = ArticleFactory.create_batch(3, published=True)
    query = PreparedQuery(
        Article,
        lambda slug, now: article_page_queryset().published(now=now).filter(slug=slug),
        server_plan=True,
        slug=str,
        now=datetime.datetime,
    )
    for _ in range(4):
        for story in stories:
            (found,) = query(slug=story.slug, now=timezone.now())
            assert found.pk == story.pk
    assert query(slug="no-such-story", now=timezone.now()) == []

    # One statement, kept; after PostgreSQL's first few custom plans it
    # runs its generic one without planning again.
    ((generic, custom),) = prepared_statements('"articles_article"."withdrawal_notice"')
    assert generic + custom == 13
    assert generic >= 8
    # Counted like any query (the query budgets see it).
    with CaptureQueriesContext(connection) as queries:
        query(slug=stories[0].slug, now=timezone.now())
    assert len(queries) == 1
    assert stories[0].slug in queries[0]["sql"]


def test_a_query_without_a_server_plan_is_not_kept():
    story = ArticleFactory(published=True)
    query = PreparedQuery(
        Article, lambda slug: Article.objects.filter(slug=slug), slug=str
    )
    for _ in range(6):
        assert [a.pk for a in query(slug=story.slug)] == [story.pk]
    assert prepared_statements('"articles_article"."slug" =') == []


def test_the_story_and_entity_pages_lookups_are_kept_and_their_lists_are_not(
    client, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the database
    company = CompanyFactory()
    story = ArticleFactory(published=True, entities=[company])
    for _ in range(6):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get(company.get_absolute_url()).status_code == 200

    # The lookups by slug: one plan fits every slug, PostgreSQL keeps it.
    ((generic, _),) = prepared_statements('"articles_article"."withdrawal_notice"')
    assert generic >= 1
    ((generic, _),) = prepared_statements('"entities_entity"."context_words"')
    assert generic >= 1
    # The entity's story list is planned for each entity, never kept.
    assert prepared_statements('"articles_articleentity"."entity_id" =') == []
