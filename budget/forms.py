from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Section
from budget.models import BudgetItem
from budget.planning import slot_refusal
from newsroom.text import display_name

# The people a budget item can be given to: the desk's active staff.
DESK_GROUPS = ("Journalists", "Editors")


def desk_people():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=DESK_GROUPS)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return display_name(user)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class BudgetItemForm(forms.ModelForm):
    """The item's form in the admin. ``base_version`` is the version the form
    was opened at: a save over someone else's newer change is refused with
    the form kept, never written over it."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BudgetItem
        fields = [
            "slug_line",
            "section",
            "planned_date",
            "planned_time",
            "priority",
            "status",
            "assignees",
            "notes",
            "entities",
        ]
        widgets = {
            "planned_date": DateInput(),
            "planned_time": TimeInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "assignees": forms.CheckboxSelectMultiple,
        }
        field_classes = {"assignees": PersonChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignees" in self.fields:
            self.fields["assignees"].queryset = desk_people()
        if "status" in self.fields:
            # Published is what a story does, never what a plan says.
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != BudgetItem.Status.PUBLISHED
                or (self.instance.pk and self.instance.status == choice[0])
            ]
        if "base_version" in self.fields:
            self.fields["base_version"].initial = self.instance.version

    def clean_slug_line(self):
        slug_line = " ".join(self.cleaned_data["slug_line"].split())
        if not slug_line:
            raise ValidationError("Give the item a slug line.", code="required")
        return slug_line

    def clean(self):
        cleaned = super().clean()
        date, time = cleaned.get("planned_date"), cleaned.get("planned_time")
        moved = not self.instance.pk or {"planned_date", "planned_time"} & set(
            self.changed_data
        )
        if date and moved and (reason := slot_refusal(date, time)):
            self.add_error("planned_date", ValidationError(reason, code="slot_in_past"))
        if "status" in self.fields and "assignees" in self.fields:
            status = cleaned.get("status")
            assignees = cleaned.get("assignees")
            if (
                status == BudgetItem.Status.IDEA
                and assignees
                and "assignees" in self.changed_data
                and "status" not in self.changed_data
            ):
                # Giving an idea to someone is assigning it.
                status = cleaned["status"] = BudgetItem.Status.ASSIGNED
            if status in BudgetItem.STAFFED and not assignees:
                self.add_error(
                    "assignees",
                    ValidationError(
                        f"An item that is {BudgetItem.Status(status).label.lower()} "
                        "needs someone on it: choose who writes it.",
                        code="needs_assignee",
                    ),
                )
            if status == BudgetItem.Status.PUBLISHED and not self.instance.story_id:
                self.add_error(
                    "status",
                    ValidationError(
                        "An item is published when its story is: start the story.",
                        code="published_needs_story",
                    ),
                )
        submitted = cleaned.get("base_version")
        if (
            self.instance.pk
            and "base_version" in self.fields
            and submitted != self.instance.version
        ):
            raise ValidationError(
                "Someone changed this item since you opened it. Open it again "
                "to see their change; your own is still in this form.",
                code="stale",
            )
        return cleaned


class MoveForm(forms.Form):
    """The slot form: what dragging an item on the calendar sends, and what
    people without a mouse (or without JavaScript) fill in."""

    planned_date = forms.DateField(label="Day", widget=DateInput())
    planned_time = forms.TimeField(
        label="Time",
        required=False,
        widget=TimeInput(),
        help_text="Newsroom time; leave empty for any time that day.",
    )
    comment = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if "planned_date" in cleaned and (
            reason := slot_refusal(cleaned["planned_date"], cleaned.get("planned_time"))
        ):
            self.add_error("planned_date", ValidationError(reason, code="slot_in_past"))
        return cleaned


class SpikeForm(forms.Form):
    comment = forms.CharField(
        label="Why it is spiked (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CalendarFilterForm(forms.Form):
    """The calendar's query string: which days, and which items."""

    VIEWS = [("day", "Day"), ("week", "Week")]

    view = forms.ChoiceField(choices=VIEWS, required=False)
    date = forms.DateField(label="Day", required=False, widget=DateInput())
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("order", "name"),
        required=False,
        empty_label="Every section",
        to_field_name="slug",
    )
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Anyone", label="Assigned to"
    )
    status = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.fields["assignee"]
        people.queryset = desk_people()
        people.label_from_instance = display_name
        self.fields["status"].choices = [
            ("", "Every status but spiked"),
            *BudgetItem.Status.choices,
        ]

    def value(self, name, default=None):
        """A field's value, or ``default`` when it is missing or not valid
        (the other fields still apply; the form shows what was wrong)."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default

    @property
    def day(self):
        return self.value("date", timezone.localdate())

    @property
    def mode(self):
        return self.value("view", "day")
