"""The read API's stories: ninjs that validates, only what readers may see,
410 for a withdrawn story, filters and cursor pages, and the list of
changes partners follow (api/views.py, api/ninjs.py)."""

import datetime

import pytest
from django.urls import reverse

from articles.models import SlugRedirect
from articles.workflow import Action, perform
from tests.api.conftest import assert_ninjs
from tests.budgets import assert_budget
from tests.factories import (
    AuthorFactory,
    BrandFactory,
    CompanyFactory,
    CorrectionFactory,
    PersonFactory,
    RenderedImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

STORIES = reverse("api:stories")
CHANGES = reverse("api:changes")


def story_url(article) -> str:
    return reverse("api:story", kwargs={"slug": article.slug})


@pytest.fixture
def seed_story(story):
    """The seed story as the demo tells it: BMW, Great Wall, MINI, Krüger."""
    bmw = CompanyFactory(name="BMW Group", slug="bmw-group")
    great_wall = CompanyFactory(name="Great Wall Motor", slug="great-wall-motor")
    mini = BrandFactory(name="MINI", slug="mini", owner=bmw)
    krueger = PersonFactory(name="Harald Krueger", slug="harald-krueger")
    return story(
        "published",
        headline="BMW says Great Wall talks on electric MINIs are going well",
        dek="The carmakers may build electric MINIs in China.",
        body="<p>BMW is <strong>in talks</strong> with Great Wall Motor.</p>",
        section=SectionFactory(name="Automotive", slug="automotive"),
        lead_image=RenderedImageFactory(alt_text="A MINI on the line", credit="BMW"),
        entities=[bmw, great_wall, mini, krueger],
        tags=["electric vehicles", "China"],
        authors=[AuthorFactory(name="Clara Ashdown", slug="clara-ashdown")],
    )


def test_a_public_story_in_full_is_valid_ninjs(api_client, seed_story):
    CorrectionFactory(article=seed_story, text="Great Wall is based in Baoding.")
    item = assert_ninjs(api_client.get(story_url(seed_story)).json())

    assert item["uri"].endswith(f":story:{seed_story.pk}")
    assert item["type"] == "text"
    assert item["representationtype"] == "full"
    assert item["pubstatus"] == "usable"
    assert item["version"] == str(seed_story.version)
    assert item["headlines"] == [{"role": "main", "value": seed_story.headline}]
    assert item["bodies"][0]["contenttype"] == "text/html"
    assert "<strong>in talks</strong>" in item["bodies"][0]["value"]
    assert item["by"] == "Clara Ashdown"
    roles = {d["role"]: d["value"] for d in item["descriptions"]}
    assert roles["summary"] == seed_story.dek
    assert "Baoding" in roles["correction"]
    literals = {s["literal"] for s in item["subjects"]}
    assert literals == {
        "section:automotive",
        "tag:electric-vehicles",
        "tag:china",
        "brand:mini",
    }
    assert [o["literal"] for o in item["organisations"]] == [
        "company:bmw-group",
        "company:great-wall-motor",
    ]
    people = {(p["rel"], p["literal"]) for p in item["people"]}
    assert people == {
        ("author", "author:clara-ashdown"),
        ("subject", "person:harald-krueger"),
    }
    (picture,) = item["associations"]
    assert picture["name"] == "featureimage"
    assert picture["type"] == "picture"
    assert picture["by"] == "BMW"
    assert {"role": "alt", "value": "A MINI on the line"} in picture["descriptions"]
    renditions = picture["renditions"]
    assert len(renditions) == seed_story.lead_image.renditions.count() + 1
    assert {r["contenttype"] for r in renditions[:-1]} == {"image/jpeg", "image/webp"}
    assert all(r["href"].startswith("http") for r in renditions)


def test_the_list_shows_public_stories_only_partially(api_client, story, seed_story):
    for state in ("draft", "in_review", "scheduled", "withdrawn"):
        story(state)
    page = api_client.get(STORIES).json()

    assert [item["slugline"] for item in page["results"]] == [seed_story.slug]
    item = assert_ninjs(page["results"][0])
    assert item["representationtype"] == "partial"
    assert "bodies" not in item


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_a_story_readers_cannot_see_is_not_found(api_client, story, state):
    response = api_client.get(story_url(story(state)))
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-cache"


def test_a_withdrawn_story_answers_410_canceled_without_its_text(api_client, story):
    withdrawn = story("withdrawn", headline="A story with a legal problem")
    response = api_client.get(story_url(withdrawn))

    assert response.status_code == 410
    item = assert_ninjs(response.json())
    assert item["pubstatus"] == "canceled"
    assert item["uri"].endswith(f":story:{withdrawn.pk}")
    assert "legal problem" not in response.content.decode()
    assert item["descriptions"] == [
        {
            "role": "withdrawal",
            "contenttype": "text/plain",
            "value": "This story was withdrawn for legal reasons.",
        }
    ]
    assert "public" in response["Cache-Control"]


def test_an_old_slug_answers_301_to_the_new_one(api_client, seed_story):
    SlugRedirect.objects.create(old_slug="bmw-old", article=seed_story)
    response = api_client.get(reverse("api:story", kwargs={"slug": "bmw-old"}))
    assert response.status_code == 301
    assert response["Location"] == story_url(seed_story)


def test_filters_by_section_tag_author_and_entity(api_client, story, seed_story):
    other = story("published", tags=["Trucks"], section=SectionFactory(slug="trucks"))
    cases = {
        "section=automotive": [seed_story],
        "section=trucks": [other],
        "tag=china": [seed_story],
        "tag=trucks": [other],
        "author=clara-ashdown": [seed_story],
        "entity=bmw-group": [seed_story],
        "entity=mini": [seed_story],
        "entity=harald-krueger": [seed_story],
        "section=automotive&entity=bmw-group": [seed_story],
        "section=trucks&entity=bmw-group": [],
    }
    for query, expected in cases.items():
        page = api_client.get(f"{STORIES}?{query}").json()
        assert [i["slugline"] for i in page["results"]] == [s.slug for s in expected], (
            query
        )


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("section=nowhere", "section", "No section has the slug “nowhere”."),
        ("tag=nothing", "tag", "No tag has the slug “nothing”."),
        ("author=nobody", "author", "No author has the slug “nobody”."),
        ("entity=acme", "entity", "No company, person or brand has the slug “acme”."),
        ("updated_since=yesterday", "updated_since", "Give a time in ISO 8601"),
        ("page_size=many", None, None),
    ],
)
def test_bad_filters_are_refused_with_a_reason(
    api_client, seed_story, query, field, message
):
    response = api_client.get(f"{STORIES}?{query}")
    if field is None:  # an unreadable page size is the default one
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)
    assert response["Cache-Control"] == "no-cache"


def test_a_bad_cursor_is_refused(api_client, seed_story):
    response = api_client.get(f"{STORIES}?cursor=not-a-cursor")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_updated_since(api_client, story, frozen_now, time_machine):
    old = story("published")
    time_machine.shift(datetime.timedelta(hours=2))
    new = story("published")
    since = (frozen_now + datetime.timedelta(hours=1)).isoformat()
    page = api_client.get(STORIES, {"updated_since": since}).json()
    assert [i["slugline"] for i in page["results"]] == [new.slug]
    page = api_client.get(STORIES, {"updated_since": "2020-01-01"}).json()
    assert {i["slugline"] for i in page["results"]} == {old.slug, new.slug}


def test_cursor_pages_walk_the_whole_list_once(api_client, story, frozen_now):
    stories = [
        story("published", published_at=frozen_now - datetime.timedelta(minutes=n))
        for n in range(7)
    ]
    seen, url = [], f"{STORIES}?page_size=3"
    while url:
        page = api_client.get(url).json()
        seen += [item["slugline"] for item in page["results"]]
        url = page["next"]
    assert seen == [s.slug for s in stories]


def test_changes_tell_partners_what_to_take_down(
    api_client, story, editor, frozen_now, time_machine
):
    kept = story("in_review")
    gone = story("in_review")
    perform(kept, Action.PUBLISH, editor)
    perform(gone, Action.PUBLISH, editor)
    story("draft")
    story("scheduled")
    time_machine.shift(datetime.timedelta(hours=1))
    since = frozen_now + datetime.timedelta(minutes=30)
    perform(gone, Action.WITHDRAW, editor, comment="Legal", public_notice="Withdrawn.")

    page = api_client.get(CHANGES).json()
    assert [(i["slugline"], i["pubstatus"]) for i in page["results"]] == [
        (kept.slug, "usable"),
        (gone.slug, "canceled"),
    ]
    for item in page["results"]:
        assert_ninjs(item)
    page = api_client.get(CHANGES, {"since": since.isoformat()}).json()
    assert [(i["slugline"], i["pubstatus"]) for i in page["results"]] == [
        (gone.slug, "canceled")
    ]
    assert "headlines" not in page["results"][0]


def test_a_scheduled_story_is_a_change_when_its_time_comes(
    api_client, story, frozen_now, time_machine
):
    coming = story("scheduled", published_at=frozen_now + datetime.timedelta(hours=2))
    page = api_client.get(CHANGES, {"since": frozen_now.isoformat()}).json()
    assert page["results"] == []
    assert datetime.datetime.fromisoformat(page["next_since"]) == frozen_now
    time_machine.shift(datetime.timedelta(hours=3))
    page = api_client.get(CHANGES, {"since": page["next_since"]}).json()
    assert [i["slugline"] for i in page["results"]] == [coming.slug]
    assert datetime.datetime.fromisoformat(page["next_since"]) == coming.published_at


def test_a_draft_that_was_never_public_is_no_change(api_client, story):
    sent_back = story("withdrawn", first_published_at=None)
    assert api_client.get(CHANGES).json()["results"] == []
    assert api_client.get(story_url(sent_back)).status_code == 404


def grow_stories(story, n, **kwargs):
    def grow():
        for _ in range(n):
            story(
                "published",
                lead_image=RenderedImageFactory(),
                entities=[CompanyFactory(), PersonFactory(), BrandFactory()],
                tags=["one", "two"],
                authors=[AuthorFactory(), AuthorFactory()],
                **kwargs,
            )

    return grow


def test_the_list_budget_does_not_grow_with_its_stories(api_client, story):
    grow = grow_stories(story, 5)
    grow()
    # generation, the page, then for stories not cached yet: stories,
    # bylines, entity links, renditions, tags; warm: the first two.
    assert_budget(api_client, STORIES, grow, budget=7, warm=2)


def test_filtered_lists_keep_their_budget(api_client, story):
    section = SectionFactory(slug="cars")
    bmw = CompanyFactory(slug="bmw-group")
    grow = grow_stories(story, 4, section=section)

    def grow_linked():
        grow()
        for article in section.articles.all():
            article.entity_links.get_or_create(entity=bmw)

    grow_linked()
    # + the section, + the entity looked up by slug
    assert_budget(
        api_client, f"{STORIES}?section=cars&entity=bmw-group", grow_linked, 9, 4
    )


def test_the_changes_budget_does_not_grow_with_its_stories(api_client, story):
    grow = grow_stories(story, 5)
    grow()
    assert_budget(api_client, CHANGES, grow, budget=7, warm=2)


def test_the_detail_budget_does_not_grow_with_what_the_story_links(
    api_client, seed_story
):
    def grow():
        for _ in range(3):
            seed_story.entity_links.create(entity=CompanyFactory())
            CorrectionFactory(article=seed_story)
        seed_story.tags.add("more", "still more")

    # generation, the slug, then unless cached: story, bylines, entity links,
    # renditions, tags, corrections
    assert_budget(api_client, story_url(seed_story), grow, budget=8, warm=2)
