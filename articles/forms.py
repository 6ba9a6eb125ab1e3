from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.urls import reverse

from articles.models import Article, Author, Byline
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

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "lead_image",
            "status",
            "published_at",
            "updated_at",
        ]

    def __init__(self, *args, admin_site=admin.site, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model_field in (
            ("byline_authors", "authors"),
            ("linked_entities", "entities"),
        ):
            self.fields[name].widget = AutocompleteSelectMultiple(
                Article._meta.get_field(model_field), admin_site
            )
        self.fields["tags"].widget = TagAutocomplete(admin_site)
        if self.instance.pk:
            self.initial.setdefault("byline_authors", self.instance.byline_authors)
            self.initial.setdefault(
                "linked_entities", list(self.instance.entities.all())
            )
            self.initial.setdefault("tags", [t.name for t in self.instance.tags.all()])

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
