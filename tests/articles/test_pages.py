import datetime

import pytest
from django.utils import timezone
from taggit.models import Tag

from tests.budgets import assert_budget
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    CorrectionFactory,
    ImageFactory,
    PersonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def not_public_stories(**kwargs):
    now = timezone.now()
    return [
        ArticleFactory(status="draft", **kwargs),
        ArticleFactory(status="in_review", **kwargs),
        ArticleFactory(status="published", published_at=now + HOUR, **kwargs),
        ArticleFactory(status="withdrawn", published_at=now - HOUR, **kwargs),
    ]


def test_home_leads_with_the_newest_public_story(client):
    older = ArticleFactory(
        published=True, headline="Older story", published_at=timezone.now() - 3 * HOUR
    )
    lead = ArticleFactory(
        published=True,
        headline="Newest story",
        lead_image=ImageFactory(alt_text="Lead picture"),
    )
    hidden = not_public_stories()
    response = client.get("/")
    assert response.status_code == 200
    stories = list(response.context["stories"])
    assert stories == [lead, older]
    html = response.content.decode()
    assert html.index("Newest story") < html.index("Older story")
    assert 'alt="Lead picture"' in html
    for story in hidden:
        assert story.headline not in html


def test_home_is_paginated(client, settings):
    for n in range(settings.STORIES_PER_PAGE + 2):
        ArticleFactory(published=True, published_at=timezone.now() - n * HOUR)
    page_two = client.get("/?page=2")
    assert page_two.status_code == 200
    assert len(page_two.context["stories"]) == 2
    assert client.get("/?page=99").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_story_page_shows_everything_a_reader_needs(client):
    author = AuthorFactory(name="Anna Schmidt")
    company = CompanyFactory(name="Great Wall Motor")
    person = PersonFactory(name="Harald Krueger")
    brand = BrandFactory(name="MINI")
    article = ArticleFactory(
        published=True,
        headline="BMW and Great Wall talk electric MINIs",
        dek="Talks are going well, the chief executive says.",
        body="<p>Body text with <strong>bold</strong>.</p>",
        authors=[author],
        entities=[company, person, brand],
        tags=["electric cars"],
        lead_image=ImageFactory(caption="A MINI on the line", credit="Newsroom"),
    )
    CorrectionFactory(article=article, text="The plant is in Oxford.")
    related = ArticleFactory(
        published=True, headline="Related by entity", entities=[company]
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "BMW and Great Wall talk electric MINIs",
        "Talks are going well",
        "<strong>bold</strong>",
        author.get_absolute_url(),
        company.get_absolute_url(),
        person.get_absolute_url(),
        brand.get_absolute_url(),
        "/tags/electric-cars/",
        "A MINI on the line",
        "The plant is in Oxford.",
        article.section.get_absolute_url(),
        related.get_absolute_url(),
    ]:
        assert expected in html, expected
    assert html.count("<h1") == 1


@pytest.mark.parametrize("status", ["draft", "in_review", "scheduled"])
def test_a_story_that_is_not_public_answers_404(client, status):
    by_status = {s.status: s for s in not_public_stories()}
    by_status["scheduled"] = by_status.pop("published")
    response = client.get(by_status[status].get_absolute_url())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_section_tag_and_author_pages_list_only_their_public_stories(client):
    section, author = SectionFactory(name="Automotive"), AuthorFactory()
    mine = ArticleFactory(
        published=True, section=section, authors=[author], tags=["mini"]
    )
    ArticleFactory(published=True)  # another section, author and tag
    hidden = not_public_stories(section=section)
    for story in hidden:
        story.tags.add("mini")
    for url in [
        section.get_absolute_url(),
        "/tags/mini/",
        author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert list(response.context["stories"]) == [mine], url


def test_unknown_section_tag_and_author_answer_404(client):
    for url in ["/sections/nope/", "/tags/nope/", "/authors/nope/", "/stories/nope/"]:
        assert client.get(url).status_code == 404


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


# Query budgets: constant whatever the number of stories, tags, entities or
# authors shown.


def many_stories(n, **kwargs):
    authors = [AuthorFactory(), AuthorFactory()]
    for _ in range(n):
        ArticleFactory(
            published=True,
            authors=authors,
            lead_image=ImageFactory(),
            tags=["bmw", "mini"],
            **kwargs,
        )


def test_home_query_budget(client):
    many_stories(5)
    assert_budget(client, "/", lambda: many_stories(45), budget=9, warm=2)


def test_section_query_budget(client):
    section = SectionFactory()
    many_stories(5, section=section)
    assert_budget(
        client,
        section.get_absolute_url(),
        lambda: many_stories(45, section=section),
        budget=7,
        warm=3,
    )


def test_tag_query_budget(client):
    many_stories(5)
    assert_budget(client, "/tags/bmw/", lambda: many_stories(45), budget=7, warm=3)


def test_author_query_budget(client):
    author = AuthorFactory()
    ArticleFactory(published=True, authors=[author])
    url = author.get_absolute_url()
    assert_budget(
        client,
        url,
        lambda: [
            ArticleFactory(published=True, authors=[author, AuthorFactory()])
            for _ in range(49)
        ],
        budget=6,
        warm=3,
    )


def test_story_page_query_budget(client):
    company = CompanyFactory()
    article = ArticleFactory(
        published=True,
        authors=[AuthorFactory()],
        entities=[company],
        tags=["one"],
        lead_image=ImageFactory(),
    )
    CorrectionFactory(article=article)
    ArticleFactory(published=True, entities=[company])

    def grow():
        article.tags.add(*[f"tag {n}" for n in range(29)])
        for n in range(29):
            entity = [CompanyFactory, PersonFactory, BrandFactory][n % 3]()
            article.entity_links.create(entity=entity)
            article.bylines.create(author=AuthorFactory(), order=n + 1)
            ArticleFactory(published=True, entities=[entity], tags=[f"tag {n}"])
        CorrectionFactory(article=article)

    # Warm: the section list, the story's entities with their roles and the
    # choice of related stories are cached. The story is read with its
    # bylines, tags and corrections in one query; then its image renditions.
    assert_budget(client, article.get_absolute_url(), grow, budget=9, warm=3)
    assert Tag.objects.count() == 30


def test_a_story_page_shows_its_byline_topics_and_corrections_in_order(client):
    article = ArticleFactory(
        published=True,
        authors=[AuthorFactory(name="Jane Whitfield"), AuthorFactory(name="Li Wei")],
        tags=["joint ventures", "China"],
    )
    when = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    CorrectionFactory(article=article, text="Second fix.", published_at=when + HOUR)
    CorrectionFactory(article=article, text="First fix.", published_at=when)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '">Jane Whitfield</a> and <a class="byline__author"' in html
    assert html.index(">Jane Whitfield<") < html.index(">Li Wei<")
    assert '<a class="tag" href="/tags/joint-ventures/">joint ventures</a>' in html
    assert '<a class="tag" href="/tags/china/">China</a>' in html
    assert html.index("First fix.") < html.index("Second fix.")
    assert '<time datetime="2026-03-02T09:30:00+00:00">2 March 2026, 09:30</time>' in (
        html
    )
    assert "Corrections</h2>" in html


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_related_stories_rank_by_what_they_share_and_stay_public(client):
    bmw, great_wall = CompanyFactory(), CompanyFactory()
    article = ArticleFactory(
        published=True, entities=[bmw, great_wall], tags=["electric cars"]
    )
    both = ArticleFactory(
        published=True,
        entities=[bmw, great_wall],
        published_at=timezone.now() - 5 * HOUR,
    )
    one = ArticleFactory(published=True, entities=[bmw])
    by_tag = ArticleFactory(
        published=True, tags=["electric cars"], published_at=timezone.now() - 2 * HOUR
    )
    ArticleFactory(published=True)  # shares nothing
    ArticleFactory(status="draft", entities=[bmw, great_wall])
    response = client.get(article.get_absolute_url())
    related = list(response.context["related_stories"])
    assert related[0] == both.pk
    assert set(related[1:]) == {one.pk, by_tag.pk}
    rail = response.content.decode().split('id="related-heading"')[1]
    assert both.headline in rail and one.headline in rail


def test_deep_pages_seek_by_cursor_without_counting(client, monkeypatch):
    from articles import pagination

    monkeypatch.setattr(pagination, "MAX_NUMBERED_PAGE", 1)
    stories = [
        ArticleFactory(published=True, published_at=timezone.now() - n * HOUR)
        for n in range(30)
    ]
    first = client.get("/")
    older = first.context["page_obj"].older_url
    assert older.startswith("?before=")  # past the numbered pages
    second = client.get(f"/{older}")
    assert list(second.context["stories"]) == stories[12:24]
    assert second.context["page_obj"].number is None
    html = second.content.decode()
    assert "Older stories" in html
    assert 'rel="canonical" href="http://testserver/?before=' in html
    last = client.get(f"/{second.context['page_obj'].older_url}")
    assert list(last.context["stories"]) == stories[24:]
    assert last.context["page_obj"].older_url is None
    for bad in [
        "?before=garbage",
        "?before=2019-01-01T00:00:00~1",
        "?page=2",
        "?page=0",
    ]:
        assert client.get(f"/{bad}").status_code == 404, bad


@pytest.mark.parametrize(
    "page",
    [
        lambda section, company: "/",
        lambda section, company: section.get_absolute_url(),
        lambda section, company: company.get_absolute_url(),
    ],
    ids=["home", "section", "company"],
)
def test_lists_read_the_page_size_when_asked_not_at_import(client, settings, page):
    """STORIES_PER_PAGE is read when a page is built: changed at run time
    (here by a test), every list honours it."""
    settings.STORIES_PER_PAGE = 2
    section, company = SectionFactory(), CompanyFactory()
    for n in range(3):
        ArticleFactory(
            published=True,
            section=section,
            entities=[company],
            headline=f"Story number {n}",
            published_at=timezone.now() - (n + 1) * HOUR,
        )
    html = client.get(page(section, company)).content.decode()
    assert html.count("Story number") == 2
    assert 'rel="next"' in html
