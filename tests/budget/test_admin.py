"""The budget in the admin, over HTTP, as each role: journalists see it and
pitch, editors plan, assign, move and spike; forged requests are refused and
bad input comes back as a form error, with nothing saved."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from budget.models import BudgetChange, BudgetItem
from tests.budget.conftest import TOMORROW, recipients
from tests.factories import ArticleFactory, BudgetItemFactory, SectionFactory

pytestmark = pytest.mark.django_db
Status = BudgetItem.Status

ADD = reverse("admin:budget_budgetitem_add")
CALENDAR = reverse("admin:budget_budgetitem_calendar")


def change_url(item):
    return reverse("admin:budget_budgetitem_change", args=[item.pk])


def move_url(item):
    return reverse("admin:budget_budgetitem_move", args=[item.pk])


def item_form(item=None, **overrides):
    """POST data for the item's form: a new item, or ``item`` as it stands."""
    if item is None:
        data = {
            "slug_line": "GWM-TALKS",
            "section": SectionFactory().pk,
            "planned_date": TOMORROW.isoformat(),
            "planned_time": "07:00",
            "priority": "3",
            "status": "idea",
            "notes": "What a joint venture would build.",
        }
    else:
        item.refresh_from_db()
        data = {
            "slug_line": item.slug_line,
            "section": item.section_id,
            "planned_date": item.planned_date.isoformat(),
            "planned_time": item.planned_time.strftime("%H:%M")
            if item.planned_time
            else "",
            "priority": str(item.priority),
            "status": item.status,
            "notes": item.notes,
            "assignees": [user.pk for user in item.assignees.all()],
            "base_version": str(item.version),
        }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_groups_carry_the_budget_permissions():
    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="budget")
            .values_list("codename", flat=True)
        )

    assert codenames("Journalists") == {
        "view_budgetitem",
        "add_budgetitem",
        "change_budgetitem",
        "view_budgetchange",
    }
    assert codenames("Editors") == {
        "view_budgetitem",
        "add_budgetitem",
        "change_budgetitem",
        "delete_budgetitem",
        "plan_budgetitem",
        "view_budgetchange",
    }


# Journalists


def test_a_journalist_sees_the_budget(frozen_now, desk):
    BudgetItemFactory(slug_line="GWM-TALKS")
    client = desk("author")
    html = client.get(f"{CALENDAR}?date={TOMORROW}").content.decode()
    assert "GWM-TALKS" in html
    assert "Pitch an idea" in html
    assert 'draggable="true"' not in html  # moving is for editors
    assert client.get(reverse("admin:budget_budgetitem_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:budget_budgetchange_changelist")).status_code == 200
    )


def test_a_journalist_pitches_an_idea_and_cannot_forge_more(
    frozen_now, desk, users, mailbox
):
    other = users["journalist"]
    data = item_form(status="assigned", assignees=[other.pk], priority="1")
    mail = mailbox(lambda: desk("author").post(ADD, data))

    item = BudgetItem.objects.get()
    # An idea, nobody on it, normal priority: status, people and priority
    # are the editors' to set, whatever the form said.
    assert (item.status, item.priority, list(item.assignees.all())) == (
        Status.IDEA,
        BudgetItem.Priority.NORMAL,
        [],
    )
    assert item.created_by == users["author"]
    assert item.changes.get().kind == BudgetChange.Kind.PITCHED
    assert recipients(mail) == ["editor@newsroom.test"]


def test_a_journalist_edits_their_own_pitch_until_an_editor_takes_it_up(
    frozen_now, desk, users
):
    client = desk("author")
    client.post(ADD, item_form())
    item = BudgetItem.objects.get()
    pitch_form = {
        key: value
        for key, value in item_form(item, notes="With a second source.").items()
        if key not in {"status", "priority", "assignees"}
    }
    response = client.post(change_url(item), pitch_form)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.notes == "With a second source."

    item.assignees.add(users["author"])
    item.status = Status.ASSIGNED
    item.save()
    pitch_form["base_version"] = str(item.version)
    assert client.post(change_url(item), pitch_form).status_code == 403
    # Still readable.
    assert client.get(change_url(item)).status_code == 200


def test_a_journalist_cannot_change_someone_else_s_item(frozen_now, desk):
    item = BudgetItemFactory()
    response = desk("author").post(change_url(item), item_form(item, notes="Mine now"))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.notes == ""


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("move", {"planned_date": "2025-06-12", "planned_time": ""}),
        ("spike", {"comment": "Forged"}),
        ("delete", {"post": "yes"}),
    ],
)
def test_a_journalist_s_forged_editor_step_is_refused(frozen_now, desk, url, data):
    item = BudgetItemFactory()
    response = desk("author").post(
        reverse(f"admin:budget_budgetitem_{url}", args=[item.pk]), data
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.planned_date, item.status) == (TOMORROW, Status.IDEA)
    assert BudgetChange.objects.count() == 0


def test_a_journalist_starts_the_story_of_their_assignment_only(
    frozen_now, desk, users
):
    theirs = BudgetItemFactory(status=Status.ASSIGNED, assignees=[users["author"]])
    not_theirs = BudgetItemFactory()
    client = desk("author")

    url = reverse("admin:budget_budgetitem_start_story", args=[not_theirs.pk])
    assert client.post(url).status_code == 403

    url = reverse("admin:budget_budgetitem_start_story", args=[theirs.pk])
    response = client.post(url)
    theirs.refresh_from_db()
    assert response["Location"] == reverse(
        "admin:articles_article_change", args=[theirs.story_id]
    )
    # Their byline is on it: they can write it.
    assert client.get(response["Location"]).context["has_change_permission"]
    assert Article.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(frozen_now, client):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Editors: the walk of the issue


def test_an_editor_plans_starts_the_story_and_assigns_it_and_the_journalist_sees_it(
    frozen_now, desk, users, mailbox
):
    editor = desk("editor")
    response = editor.post(ADD, item_form())
    item = BudgetItem.objects.get()
    assert response["Location"] == f"{CALENDAR}?view=day&date={TOMORROW}"
    assert "GWM-TALKS" in editor.get(response["Location"]).content.decode()

    start = reverse("admin:budget_budgetitem_start_story", args=[item.pk])
    response = editor.post(start)
    item.refresh_from_db()
    assert response["Location"] == reverse(
        "admin:articles_article_change", args=[item.story_id]
    )

    mail = mailbox(
        lambda: editor.post(
            change_url(item),
            item_form(item, assignees=[users["author"].pk]),
        )
    )
    assert recipients(mail) == ["journalist@newsroom.test"]
    item.refresh_from_db()
    assert item.state_label == "Draft"
    assert [kind for (kind,) in item.changes.order_by("pk").values_list("kind")] == [
        BudgetChange.Kind.PLANNED,
        BudgetChange.Kind.STORY,
        BudgetChange.Kind.ASSIGNED,
    ]

    # The journalist: on their desk's front page, and among their stories.
    journalist = desk("author")
    index = journalist.get(reverse("admin:index")).content.decode()
    assert "Your budget assignments" in index
    assert "GWM-TALKS" in index
    assert reverse("admin:articles_article_change", args=[item.story_id]) in index
    stories = journalist.get(
        reverse("admin:articles_article_changelist"),
        {"bylines__author__id__exact": users["author"].author.pk},
    )
    assert item.story in stories.context["cl"].result_list
    mine = journalist.get(
        reverse("admin:budget_budgetitem_changelist"), {"mine": "1", "state": "open"}
    )
    assert list(mine.context["cl"].result_list) == [item]


def test_an_editor_moves_an_item_with_the_slot_form(frozen_now, desk, users):
    item = BudgetItemFactory(assignees=[users["author"]], status=Status.ASSIGNED)
    editor = desk("editor")
    assert editor.get(move_url(item)).status_code == 200
    back = f"{CALENDAR}?view=week&date={TOMORROW}"
    response = editor.post(
        move_url(item),
        {"planned_date": "2025-06-13", "planned_time": "16:45", "next": back},
    )
    assert response["Location"] == back
    item.refresh_from_db()
    assert (item.planned_date, item.planned_time) == (
        datetime.date(2025, 6, 13),
        datetime.time(16, 45),
    )


def test_the_slot_form_goes_back_only_to_this_site(frozen_now, desk):
    item = BudgetItemFactory()
    response = desk("editor").post(
        move_url(item),
        {"planned_date": "2025-06-13", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"{CALENDAR}?view=day&date=2025-06-13"


def test_an_editor_spikes_and_the_calendar_hides_it(frozen_now, desk):
    item = BudgetItemFactory(slug_line="DEAD-END")
    editor = desk("editor")
    spike = reverse("admin:budget_budgetitem_spike", args=[item.pk])
    assert editor.get(spike).status_code == 200
    editor.post(spike, {"comment": "Talks collapsed."})
    item.refresh_from_db()
    assert item.status == Status.SPIKED
    day = f"{CALENDAR}?date={TOMORROW}"
    assert "DEAD-END</a>" not in editor.get(day).content.decode()
    assert "DEAD-END</a>" in editor.get(f"{day}&status=spiked").content.decode()


# Bad input: a form error, nothing saved


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug_line": "   "}, "slug_line", "required"),
        ({"planned_date": "31/02/2025"}, "planned_date", "invalid"),
        ({"planned_date": "2025-06-01"}, "planned_date", "slot_in_past"),
        ({"planned_time": "25:99"}, "planned_time", "invalid"),
        ({"status": "assigned"}, "assignees", "needs_assignee"),
        ({"status": "published"}, "status", "invalid_choice"),
        ({"priority": "7"}, "priority", "invalid_choice"),
        ({"section": "999999"}, "section", "invalid_choice"),
    ],
)
def test_bad_input_comes_back_as_a_form_error(frozen_now, desk, overrides, field, code):
    response = desk("editor").post(ADD, item_form(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert code in [error.code for error in errors[field]], errors
    assert BudgetItem.objects.count() == 0


def test_a_stale_form_is_refused_with_the_change_kept(frozen_now, desk, users):
    item = BudgetItemFactory()
    stale = item_form(item, notes="Written over an older version")
    item.notes = "Someone else's change"
    item.version += 1
    item.save()
    response = desk("editor").post(change_url(item), stale)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.non_field_errors().as_data()] == ["stale"]
    assert form["notes"].value() == "Written over an older version"
    item.refresh_from_db()
    assert item.notes == "Someone else's change"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"planned_date": ""}, "This field is required."),
        ({"planned_date": "tomorrow"}, "Enter a valid date."),
        ({"planned_date": "2025-06-01"}, "That day has gone"),
        ({"planned_date": "2025-06-12", "planned_time": "7pm"}, "Enter a valid time."),
    ],
)
def test_a_bad_slot_comes_back_to_the_slot_form(frozen_now, desk, data, message):
    item = BudgetItemFactory()
    response = desk("editor").post(move_url(item), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.planned_date == TOMORROW


def test_moving_a_spiked_item_is_a_form_error(frozen_now, desk):
    item = BudgetItemFactory(status=Status.SPIKED)
    response = desk("editor").post(move_url(item), {"planned_date": "2025-06-12"})
    assert response.status_code == 400
    assert "A spiked item has no slot to move." in response.content.decode()


def test_starting_a_story_twice_is_a_message_not_a_second_story(frozen_now, desk):
    item = BudgetItemFactory(story=ArticleFactory())
    url = reverse("admin:budget_budgetitem_start_story", args=[item.pk])
    response = desk("editor").post(url, follow=True)
    assert "This item already has its story." in response.content.decode()
    assert Article.objects.count() == 1
    assert desk("editor").get(url).status_code == 405


def test_an_unknown_item_is_not_found(frozen_now, desk):
    assert desk("editor").get(move_url(BudgetItem(pk=999))).status_code == 404


def test_giving_an_idea_to_someone_assigns_it(frozen_now, desk, users, mailbox):
    item = BudgetItemFactory(slug_line="GWM-TALKS")
    mail = mailbox(
        lambda: desk("editor").post(
            change_url(item), item_form(item, assignees=[users["author"].pk])
        )
    )
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED
    assert set(item.changes.values_list("kind", "before", "after")) == {
        (BudgetChange.Kind.STATUS, "Idea", "Assigned"),
        (BudgetChange.Kind.ASSIGNED, "nobody", "journalist"),
    }
    assert [m.subject for m in mail] == ["[The Newsroom] GWM-TALKS: assigned to you"]
    # The item's history in the admin has the steps taken outside its form.
    desk("editor").post(move_url(item), {"planned_date": "2025-06-12"})
    history = desk("editor").get(
        reverse("admin:budget_budgetitem_history", args=[item.pk])
    )
    assert "Moved to Thu 12 Jun 2025, any time." in history.content.decode()
