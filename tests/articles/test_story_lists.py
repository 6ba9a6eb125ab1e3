"""Story lists (articles.pagination.StoryList): the first page of each list
is a query compiled once per process, run with the list's values and the
present time; it lists what the list's queryset lists."""

import datetime

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles import views
from articles.pagination import StoryList
from entities.views import EntityView
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CompanyFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def lists(frozen_now):
    """Two of each list, five stories in each of the first ones, newest
    first; one story of the other section, tag, author and company."""
    section, other_section = SectionFactory(), SectionFactory()
    author, other_author = AuthorFactory(), AuthorFactory()
    company, other_company = CompanyFactory(), CompanyFactory()
    stories = [
        ArticleFactory(
            published=True,
            section=section,
            authors=[author],
            tags=["gearboxes"],
            entities=[company],
            published_at=frozen_now - (n + 1) * HOUR,
        )
        for n in range(5)
    ]
    ArticleFactory(
        published=True,
        section=other_section,
        authors=[other_author],
        tags=["clutches"],
        entities=[other_company],
        published_at=frozen_now - 30 * HOUR,
    )
    tag = Tag.objects.get(name="gearboxes")
    pages = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "author": author.get_absolute_url(),
        "company": company.get_absolute_url(),
    }
    return stories, pages


@pytest.mark.parametrize("name", ["section", "tag", "author", "company"])
def test_each_lists_first_page_holds_its_own_stories(client, settings, lists, name):
    stories, pages = lists
    settings.STORIES_PER_PAGE = 2

    first = client.get(pages[name])
    second = client.get(pages[name], {"page": 2})

    assert list(first.context["stories"]) == stories[:2]
    assert list(second.context["stories"]) == stories[2:4]
    assert first.context["page_obj"].older_url == "?page=2"


def test_the_home_page_lists_every_list(client, lists):
    stories, pages = lists
    assert list(client.get(pages["home"]).context["stories"])[:5] == stories


def test_a_scheduled_story_joins_the_first_page_when_its_time_comes(
    client, lists, frozen_now, time_machine
):
    stories, pages = lists
    scheduled = ArticleFactory(
        published=True,
        section=stories[0].section,
        published_at=frozen_now + HOUR,
    )
    assert scheduled not in client.get(pages["section"]).context["stories"]

    time_machine.move_to(frozen_now + HOUR, tick=False)

    assert client.get(pages["section"]).context["stories"][0] == scheduled
    assert client.get(pages["home"]).context["stories"][0] == scheduled


def test_the_first_page_is_compiled_once_for_each_page_size(lists):
    stories, _ = lists
    builds = []
    story_list = StoryList(
        lambda stories, section: (
            builds.append(section) or stories.filter(section_id=section)
        ),
        section=int,
    )
    section = stories[0].section

    assert story_list.first_page(3, section=section.pk) == stories[:3]
    assert story_list.first_page(3, section=section.pk + 1000) == []
    assert story_list.first_page(6, section=section.pk) == stories
    # Once for each size; the values are the marks, never the sections.
    assert len(builds) == 2
    assert section.pk not in builds


@pytest.mark.parametrize(
    ("view", "name"),
    [
        (views.HomeView, "home"),
        (views.SectionView, "section"),
        (views.TagView, "tag"),
        (views.AuthorView, "author"),
        (EntityView, "company"),
    ],
)
def test_each_lists_first_page_is_read_through_its_prepared_query(
    client, lists, monkeypatch, view, name
):
    stories, pages = lists
    story_list = view.story_list
    asked = []
    first_page = story_list.first_page

    def spy(size, **values):
        asked.append(values)
        return first_page(size, **values)

    monkeypatch.setattr(story_list, "first_page", spy)
    assert client.get(pages[name]).context["stories"][0] == stories[0]
    assert len(asked) == 1
    client.get(pages[name], {"page": 2})
    assert len(asked) == 1  # later pages slice the queryset
