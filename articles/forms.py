from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.validators import FileExtensionValidator
from django.urls import reverse
from taggit.models import Tag

from articles.images import cleaned_upload, validate_upload
from articles.models import Article, Author, Byline, Image
from articles.search import clean_query
from articles.workflow import Action, problems
from entities.models import Entity


class TagAutocomplete(AutocompleteSelectMultiple):
    """The admin's select2 autocomplete, fed with tag names, that also accepts
    new tags typed by the journalist."""

    def __init__(self, admin_site, attrs=None):
        super().__init__(Article._meta.get_field("tags"), admin_site, attrs=attrs)

    def get_url(self):
        return reverse(f"{self.admin_site.name}:articles_article_tag_autocomplete")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-tags"] = "true"
        attrs["data-token-separators"] = '[","]'
        return attrs

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [getattr(tag, "name", tag) for tag in value]

    def optgroups(self, name, value, attr=None):
        # Every chosen name, known or new, stays on the form when it is
        # redisplayed, so a validation error never drops a tag.
        options = [
            self.create_option(name, tag, tag, True, index)
            for index, tag in enumerate(dict.fromkeys(value))
        ]
        return [(None, options, 0)]


class TagNamesField(forms.Field):
    widget = forms.SelectMultiple

    def to_python(self, value):
        names = value if isinstance(value, list | tuple) else [value] if value else []
        return list(dict.fromkeys(name.strip() for name in names if name.strip()))

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > 100:
                raise forms.ValidationError(
                    "A tag can be at most 100 characters long.", code="tag_too_long"
                )
            if not Tag().slugify(name):
                # Its page would have no address.
                raise forms.ValidationError(
                    f"The tag “{name}” needs at least one letter or digit.",
                    code="tag_without_words",
                )

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return [getattr(tag, "name", tag) for tag in value or []]


class OrderedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Keeps the order in which the choices were picked (byline order)."""

    def clean(self, value):
        chosen = super().clean(value)
        by_pk = {str(obj.pk): obj for obj in chosen}
        return [by_pk[str(pk)] for pk in dict.fromkeys(value or []) if str(pk) in by_pk]


class ArticleAdminForm(forms.ModelForm):
    """The story form: content, placement, and the workflow step to take
    with the save (the button pressed)."""

    byline_authors = OrderedModelMultipleChoiceField(
        queryset=Author.objects.all(),
        required=False,
        label="Authors",
        help_text="Bylines, in the order readers see them.",
    )
    linked_entities = forms.ModelMultipleChoiceField(
        queryset=Entity.objects.all(),
        required=False,
        label="Companies, people and brands",
        help_text="The entities this story is about: their pages list it.",
    )
    tags = TagNamesField(required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minor_edit = forms.BooleanField(
        required=False,
        label="Minor edit",
        help_text="A typo or formatting fix: readers are not shown an “Updated” time.",
    )
    workflow_comment = forms.CharField(
        required=False,
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: required to request changes or to withdraw. "
        "The authors and the desk see it; readers never do.",
    )
    workflow_publish_at = forms.SplitDateTimeField(
        required=False,
        label="Publish at",
        widget=admin.widgets.AdminSplitDateTime,
        help_text="For Schedule: the newsroom's time.",
    )
    workflow_public_notice = forms.CharField(
        required=False,
        label="Notice to readers",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For Withdraw: shown at the story's address (optional).",
    )

    class Meta:
        model = Article
        fields = ["headline", "slug", "dek", "body", "section", "lead_image"]
        widgets = {"dek": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, admin_site=admin.site, user=None, restore=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, model_field in (
            ("byline_authors", "authors"),
            ("linked_entities", "entities"),
        ):
            field = self.fields[name]
            field.widget = AutocompleteSelectMultiple(
                Article._meta.get_field(model_field), admin_site
            )
            field.widget.choices = field.choices
        self.fields["tags"].widget = TagAutocomplete(admin_site)
        if self.instance.pk:
            self.initial.setdefault("byline_authors", self.instance.byline_authors)
            self.initial.setdefault(
                "linked_entities", list(self.instance.entities.all())
            )
            self.initial.setdefault("tags", [t.name for t in self.instance.tags.all()])
        self.initial["base_version"] = self.instance.version if self.instance.pk else 0
        if restore:
            # An autosave or an older version, put back in the form for the
            # person to review and save as a new version.
            self.initial.update({k: v for k, v in restore.items() if k in self.fields})

    def workflow_action(self):
        """The workflow button pressed with this save, if any."""
        value = self.data.get("_workflow")
        return Action(value) if value in Action.values else None

    def clean(self):
        cleaned = super().clean()
        action = self.workflow_action()
        if self.data.get("_workflow") and action is None:
            raise forms.ValidationError("Unknown workflow action.", code="bad_action")
        if action is None:
            return cleaned
        for problem in problems(
            self.user,
            self.instance,
            action,
            comment=cleaned.get("workflow_comment", ""),
            publish_at=cleaned.get("workflow_publish_at"),
        ):
            error = forms.ValidationError(problem.message, code=problem.code)
            if problem.field is None:
                raise error
            self.add_error(problem.field, error)
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        article = self.instance
        # Bylines and entity links have their own through models, which the
        # admin cannot save by itself.
        authors = self.cleaned_data.get("byline_authors", [])
        article.bylines.exclude(author__in=authors).delete()
        for order, author in enumerate(authors):
            Byline.objects.update_or_create(
                article=article, author=author, defaults={"order": order}
            )
        article.entities.set(self.cleaned_data.get("linked_entities", []))


class EditorialCommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class PreviewLinkForm(forms.Form):
    recipient = forms.CharField(
        max_length=200, help_text="Who the link is for: legal, a source, a partner."
    )
    valid_for_hours = forms.IntegerField(
        min_value=1, max_value=24 * 14, initial=48, label="Valid for (hours)"
    )


class SearchForm(forms.Form):
    """The reader's search: words, and optional section and date filters."""

    q = forms.CharField(required=False, label="Search for")
    section = forms.SlugField(required=False)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")
    # The reader's own words, even where no story uses them (not corrected).
    exact = forms.BooleanField(required=False)

    def clean_q(self):
        return clean_query(self.cleaned_data.get("q", ""))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                forms.ValidationError(
                    "The end date is before the start date.", code="date_order"
                ),
            )
        return cleaned


class UploadedImageField(forms.ImageField):
    """Judges an upload with validate_upload before Django's own Pillow check,
    which opens it first and calls a decompression bomb a "corrupted image"."""

    # The formats the newsroom takes, not every one Pillow can read.
    default_validators = [
        FileExtensionValidator(
            ["jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif"],
            message="A picture's file name ends in .jpg, .png, .webp or .gif; "
            "this one ends in “.%(extension)s”.",
        )
    ]

    def __init__(self, *, max_length=None, **kwargs):
        # The uploaded name is never stored (the file gets one of ours), so
        # a long one is no reason to refuse; validate_upload refuses a name
        # no file system would take.
        super().__init__(**kwargs)

    def to_python(self, data):
        if forms.FileField.to_python(self, data) is not None:
            validate_upload(data)
        return super().to_python(data)


class ImageAdminForm(forms.ModelForm):
    """An upload is checked by its content and cleaned before it is stored."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        field_classes = {"file": UploadedImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("focal_x", "focal_y"):
            self.fields[name].required = False  # the centre, unless moved

    def clean_focal_x(self):
        value = self.cleaned_data.get("focal_x")
        return 0.5 if value is None else value

    def clean_focal_y(self):
        value = self.cleaned_data.get("focal_y")
        return 0.5 if value is None else value

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            image_format = validate_upload(upload)
            return cleaned_upload(upload, image_format)
        return upload
