"""Roles in time: the story page names a person's role as it was when the
story appeared, and the stale-title check warns when a story calls someone
by a title they did not hold on its date."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from entities.mentions import detect_mentions, stale_titles, story_text
from tests.factories import ArticleFactory, CompanyFactory, RoleFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Harald Krueger chaired BMW AG's board from 13 May 2015 to 15 August 2019.
DURING_HIS_TERM = datetime.datetime(2019, 5, 28, 7, 0, tzinfo=LONDON)
BEFORE_HIS_TERM = datetime.datetime(2014, 11, 3, 9, 0, tzinfo=LONDON)
AFTER_HIS_TERM = datetime.datetime(2020, 1, 6, 8, 0, tzinfo=LONDON)


def story_about(entities, published_at, body="<p>The talks go on.</p>"):
    return ArticleFactory(
        published=True, published_at=published_at, entities=entities, body=body
    )


def role_in_panel(client, article):
    """The role the "In this story" panel gives, or None."""
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="in-this-story-heading"' in html
    start = html.find('<span class="in-this-story__role">')
    if start == -1:
        return None
    return html[start : html.index("</span>", start) + len("</span>")]


def test_a_role_that_has_ended_since_is_given_as_then(client, demo_entities):
    article = story_about(
        [demo_entities["harald-krueger"], demo_entities["bmw-group"]],
        DURING_HIS_TERM,
    )
    assert role_in_panel(client, article) == (
        '<span class="in-this-story__role">Then Chairman of the Board of '
        "Management, BMW Group</span>"
    )


def test_no_role_before_it_began_or_after_it_ended(client, demo_entities):
    krueger = demo_entities["harald-krueger"]
    for published_at in (BEFORE_HIS_TERM, AFTER_HIS_TERM):
        article = story_about([krueger], published_at)
        assert role_in_panel(client, article) is None, published_at


def chief_executive_since_2016():
    return RoleFactory(
        title="Chief executive",
        company=CompanyFactory(name="Great Wall Motor"),
        start_date=datetime.date(2016, 1, 1),
        end_date=None,
    )


def test_a_role_still_held_has_no_then(client, db):
    role = chief_executive_since_2016()
    article = story_about([role.person], DURING_HIS_TERM)
    assert role_in_panel(client, article) == (
        '<span class="in-this-story__role">Chief executive, Great Wall Motor</span>'
    )


def test_the_panel_follows_a_role_edited_after_the_page_was_read(client, db):
    role = chief_executive_since_2016()
    article = story_about([role.person], DURING_HIS_TERM)
    assert "Chief executive" in role_in_panel(client, article)
    role.title = "Chairman"
    role.save()
    assert role_in_panel(client, article) == (
        '<span class="in-this-story__role">Chairman, Great Wall Motor</span>'
    )


def test_the_role_held_on_the_day_among_several(client, db):
    earlier = RoleFactory(
        title="Board member for production",
        start_date=datetime.date(2008, 10, 1),
        end_date=datetime.date(2015, 5, 12),
    )
    RoleFactory(
        person=earlier.person,
        company=earlier.company,
        title="Chairman",
        start_date=datetime.date(2015, 5, 13),
        end_date=datetime.date(2019, 8, 15),
    )
    article = story_about([earlier.person], BEFORE_HIS_TERM)
    assert role_in_panel(client, article) == (
        '<span class="in-this-story__role">Then Board member for production, '
        f"{earlier.company.name}</span>"
    )


# The stale-title check.


def warnings_for(text, on):
    mentions = detect_mentions("", "", f"<p>{text}</p>")
    return stale_titles(story_text("", "", f"<p>{text}</p>"), mentions, on)


def test_a_title_held_no_longer_is_flagged_with_the_dates(demo_entities):
    assert warnings_for(
        "BMW CEO Harald Krueger said talks went well.", datetime.date(2020, 1, 6)
    ) == [
        "“CEO” for Harald Krueger: that role at BMW Group ran from 13 May 2015 "
        "to 15 August 2019, but this story is dated 6 January 2020."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Harald Krueger, BMW's chief executive, said so.",
        "Krüger, the BMW chairman, said so.",
        "BMW’s Chairman of the Board of Management, Harald Krüger, said so.",
    ],
)
def test_other_ways_of_writing_the_title_and_the_name(demo_entities, text):
    [warning] = warnings_for(text, datetime.date(2020, 1, 6))
    assert warning.startswith("“")
    assert "for Harald Krueger: that role at BMW Group ran from 13 May 2015" in warning


@pytest.mark.parametrize(
    "on",
    [
        datetime.date(2015, 5, 13),
        datetime.date(2019, 5, 28),
        datetime.date(2019, 8, 15),
        # Before the term began: the story is not calling him by an old title.
        datetime.date(2014, 11, 3),
    ],
)
def test_no_warning_while_the_title_was_held(demo_entities, on):
    assert warnings_for("BMW CEO Harald Krueger said talks went well.", on) == []


def test_no_warning_without_the_title_near_the_name(demo_entities):
    text = (
        "Harald Krueger led BMW for four years and talked about MINIs at "
        "length, about platforms, about Oxford and about China. The new CEO "
        "has not."
    )
    assert warnings_for(text, datetime.date(2020, 1, 6)) == []


def test_no_warning_for_a_title_held_then_in_another_role(demo_entities):
    RoleFactory(
        person=demo_entities["harald-krueger"],
        company=CompanyFactory(name="Spotlight Automotive"),
        title="CEO",
        start_date=datetime.date(2019, 9, 1),
        end_date=None,
    )
    assert warnings_for("CEO Harald Krueger", datetime.date(2020, 1, 6)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Former BMW CEO Harald Krueger said talks went well.",
        "Former BMW Group chairman Harald Krüger said so.",
        "Ex-BMW CEO Krueger said so.",
        "The ex-CEO of BMW, Harald Krueger, said so.",
        "Then-CEO Harald Krueger signed the deal.",
        "One-time BMW chairman Harald Krueger said so.",
        "Krueger, then BMW's chief executive, said so.",
        "Harald Krueger, who was BMW's chief executive, said so.",
        "Harald Krueger, who had been BMW's chairman, said so.",
        "Harald Krueger, BMW's former chief executive, said so.",
        "Harald Krueger, BMW's chief executive until 2019, said so.",
        "Harald Krueger, who stepped down as BMW's chairman, said so.",
    ],
)
def test_a_title_given_as_past_is_not_stale(demo_entities, text):
    assert warnings_for(text, datetime.date(2020, 1, 6)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Harald Krueger, who is BMW's chief executive, said so.",
        "Harald Krueger, BMW's chief executive since 2015, said so.",
        # A past marker qualifies its own title only.
        "Former BMW CEO Harald Krueger met investors. BMW CEO Harald Krueger "
        "said talks went well.",
        "The former Ford chairman said BMW CEO Harald Krueger was wrong.",
        # "then" in another clause says nothing of this title.
        "Sales rose, then fell. BMW CEO Harald Krueger said so.",
    ],
)
def test_a_title_given_as_present_is_still_stale(demo_entities, text):
    [warning] = warnings_for(text, datetime.date(2020, 1, 6))
    assert "for Harald Krueger: that role at BMW Group ran from 13 May 2015" in warning


def test_the_story_form_shows_stale_titles(client_as, story, demo_entities):
    editor = client_as("editor")
    body = "<p>BMW CEO Harald Krueger said the talks were going well.</p>"

    def warnings_on_form(published_at):
        article = story("published", published_at=published_at, body=body)
        response = editor.get(
            reverse("admin:articles_article_change", args=[article.pk])
        )
        assert response.status_code == 200
        return re.findall(
            r'<p class="story-warning stale-title">(.*?)</p>',
            response.content.decode(),
        )

    assert warnings_on_form(AFTER_HIS_TERM) == [
        "“CEO” for Harald Krueger: that role at BMW Group ran from 13 May 2015 "
        "to 15 August 2019, but this story is dated 6 January 2020."
    ]
    assert warnings_on_form(DURING_HIS_TERM) == []


def test_the_live_panel_warns_about_stale_titles(client_as, story, demo_entities):
    """A new story is dated today, long after his term."""
    response = client_as("author").post(
        reverse("admin:articles_article_mentions"),
        {"headline": "BMW CEO Harald Krueger on MINI", "dek": "", "body": ""},
    )
    [warning] = response.json()["warnings"]
    assert warning.startswith("“CEO” for Harald Krueger: that role at BMW Group ran")

    during = story("published", published_at=DURING_HIS_TERM)
    response = client_as("editor").post(
        reverse("admin:articles_article_mentions"),
        {
            "article": str(during.pk),
            "headline": "BMW CEO Harald Krueger on MINI",
            "dek": "",
            "body": "",
        },
    )
    assert response.json()["warnings"] == []


def test_a_title_still_held_elsewhere_is_not_stale_whatever_its_accents(db):
    person = RoleFactory(
        title="Président",
        start_date=datetime.date(2012, 1, 1),
        end_date=datetime.date(2018, 12, 31),
    ).person
    RoleFactory(
        person=person,
        title="Président",
        start_date=datetime.date(2019, 1, 1),
        end_date=None,
    )
    text = f"Le Président {person.name} a parlé."
    assert warnings_for(text, datetime.date(2020, 1, 6)) == []


def panel(client, headline, body=""):
    response = client.post(
        reverse("admin:articles_article_mentions"),
        {"headline": headline, "dek": "", "body": body},
    )
    data = response.json()
    found = {
        m["entities"][0]["name"]: (m["words"], m["reasons"])
        for m in data["mentions"]
        if not m["ambiguous"]
    }
    return found, data["warnings"]


def test_the_live_panel_reads_the_sentence(client_as, demo_entities):
    """A former chief is no stale title, and "Mini" in running text is the
    demo's MINI where the story says so, with the reason on the panel."""
    client = client_as("author")
    found, warnings = panel(
        client,
        "Former BMW CEO Harald Krueger buys the new Mini",
        "<p>A mini heatwave did not stop him.</p>",
    )
    assert warnings == []
    assert found["MINI"] == (["Mini"], ["“Mini” for MINI: story names BMW Group"])
    # The demo gives MINI its models as context words.
    found, _ = panel(client, "A Mini Cooper for the weekend")
    assert found == {"MINI": (["Mini"], ["“Mini” for MINI: words near it: Cooper"])}
    found, _ = panel(client, "A Mini heatwave for the weekend")
    assert found == {}
