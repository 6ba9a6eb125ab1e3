from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import ArticleEntity
from entities.merging import MergeError, merge_entities
from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    DetectionSettings,
    Entity,
    EntityEvent,
    ExclusionPhrase,
    MentionSuggestion,
    Person,
    Quote,
    Role,
)
from newsroom.admin import ReadOnlyAdminMixin


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["name", "case_sensitive"]


class ExclusionPhraseInline(admin.TabularInline):
    model = ExclusionPhrase
    extra = 0
    verbose_name_plural = "“not this” phrases (known false positives)"


class EventInline(admin.StackedInline):
    model = EntityEvent
    extra = 0
    fields = ["date", "title", "description", "stories"]
    autocomplete_fields = ["stories"]


class MentionedFilter(admin.SimpleListFilter):
    title = "coverage"
    parameter_name = "mentioned"

    def lookups(self, request, model_admin):
        return [("yes", "Linked to stories"), ("no", "No story mentions it")]

    def queryset(self, request, queryset):
        linked = Exists(ArticleEntity.objects.filter(entity=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(linked)
        if self.value() == "no":
            return queryset.exclude(linked)
        return queryset


@admin.action(description="Merge the selected duplicates into one…")
def merge_selected(modeladmin, request, queryset):
    """Editors pick which entity to keep; the others are merged into it."""
    if not request.user.has_perm(f"entities.delete_{modeladmin.opts.model_name}"):
        modeladmin.message_user(
            request, "Only editors can merge entities.", messages.ERROR
        )
        return None
    chosen = list(queryset.order_by("name"))
    if len(chosen) < 2:
        modeladmin.message_user(
            request, "Select at least two entities to merge.", messages.WARNING
        )
        return None
    keep_id = request.POST.get("keep")
    if keep_id and request.POST.get("confirm") == "yes":
        keep = next((e for e in chosen if str(e.pk) == keep_id), None)
        if keep is None:
            modeladmin.message_user(
                request, "Choose one of them to keep.", messages.ERROR
            )
            return None
        try:
            # All or none: a refusal part way leaves no duplicate half-merged.
            with transaction.atomic():
                for duplicate in chosen:
                    if duplicate.pk != keep.pk:
                        merge_entities(keep, duplicate, user=request.user)
        except MergeError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            f"Merged {len(chosen) - 1} into {keep.name}: their stories, aliases, "
            "roles, relationships, quotes and events now belong to it, and their "
            "old addresses redirect to it.",
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/entities/merge_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Merge duplicates",
            "opts": modeladmin.opts,
            "entities": chosen,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


class StoryCountMixin:
    """Entity lists show how many stories link each entity, in one query."""

    def get_queryset(self, request):
        # Meta.ordering does not apply to GROUP BY queries: order explicitly
        # for the autocomplete, which shares this queryset.
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("article_links"))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, entity):
        return entity.story_count


# How detection reads an entity's name, on every kind's form.
DETECTION_FIELDS = ("case_sensitive", "context_words")


class EntityAdminBase(StoryCountMixin, admin.ModelAdmin):
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["image"]
    inlines = [AliasInline, ExclusionPhraseInline, EventInline]
    list_display = ["name", "country", "story_count"]
    list_filter = [MentionedFilter, "country"]
    actions = [merge_selected]
    # A website typed without its scheme is https (Django 6's default; Django
    # 5.2 warns until the form says so).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def view_on_site(self, entity):
        return entity.get_absolute_url()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "context_words":
            field.widget.attrs["rows"] = 2  # a line of words, not an essay
        return field

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.fields if f not in DETECTION_FIELDS]
        return [
            (None, {"fields": fields}),
            (
                "Mention detection",
                {
                    "fields": DETECTION_FIELDS,
                    "description": "How stories name it. Aliases and “not this” "
                    "phrases are below.",
                },
            ),
        ]


@admin.register(Entity)
class EntityAdmin(ReadOnlyAdminMixin, StoryCountMixin, admin.ModelAdmin):
    """Every company, person and brand in one list (and the story form's
    autocomplete). One is added and changed on its kind's pages, which have
    its kind's fields."""

    list_display = ["name", "kind", "story_count"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]


class RoleAtCompanyInline(admin.TabularInline):
    model = Role
    fk_name = "company"
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "title", "press_titles", "start_date", "end_date"]
    verbose_name = "person and role"
    verbose_name_plural = "people and roles"


class RoleOfPersonInline(admin.TabularInline):
    model = Role
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["company"]
    fields = ["company", "title", "press_titles", "start_date", "end_date"]


class RelationshipInline(admin.TabularInline):
    model = CompanyRelationship
    fk_name = "from_company"
    extra = 0
    autocomplete_fields = ["to_company"]
    fields = ["kind", "to_company", "status", "start_date", "end_date", "note"]
    verbose_name = "relationship with another company"
    verbose_name_plural = "relationships with other companies"


class BrandInline(admin.TabularInline):
    model = Brand
    fk_name = "owner"
    extra = 0
    fields = ["name", "slug", "founded"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    verbose_name_plural = "brands owned"


@admin.register(Company)
class CompanyAdmin(EntityAdminBase):
    list_display = ["name", "headquarters", "country", "founded", "story_count"]
    fields = [
        "name",
        "slug",
        "description",
        "image",
        "country",
        "headquarters",
        "founded",
        "website",
    ]
    inlines = [
        AliasInline,
        ExclusionPhraseInline,
        BrandInline,
        RoleAtCompanyInline,
        RelationshipInline,
        EventInline,
    ]


@admin.register(Person)
class PersonAdmin(EntityAdminBase):
    fields = [
        "name",
        "slug",
        "short_name",
        "description",
        "image",
        "country",
        "website",
    ]
    inlines = [AliasInline, ExclusionPhraseInline, RoleOfPersonInline, EventInline]


@admin.register(Brand)
class BrandAdmin(EntityAdminBase):
    list_display = ["name", "owner", "country", "story_count"]
    list_select_related = ["owner"]
    list_filter = ["owner"]
    autocomplete_fields = ["image", "owner"]
    fields = [
        "name",
        "slug",
        "owner",
        "description",
        "image",
        "country",
        "founded",
        "website",
    ]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "company", "start_date", "end_date"]
    list_select_related = ["person", "company"]
    search_fields = ["person__name", "company__name", "title"]
    autocomplete_fields = ["person", "company"]


@admin.register(CompanyRelationship)
class CompanyRelationshipAdmin(admin.ModelAdmin):
    list_display = [
        "from_company",
        "kind",
        "to_company",
        "status",
        "start_date",
        "end_date",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["from_company", "to_company"]
    search_fields = ["from_company__name", "to_company__name", "note"]
    autocomplete_fields = ["from_company", "to_company"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["text_excerpt", "person", "article", "confirmed", "detected"]
    list_editable = ["confirmed"]
    list_filter = ["confirmed", "detected"]
    list_select_related = ["person", "article"]
    search_fields = ["text", "person__name", "article__headline"]
    autocomplete_fields = ["person", "article"]

    @admin.display(description="Quote")
    def text_excerpt(self, quote):
        return f"“{quote.text[:90]}{'…' if len(quote.text) > 90 else ''}”"


@admin.register(DetectionSettings)
class DetectionSettingsAdmin(admin.ModelAdmin):
    """One row of settings: the list goes straight to it."""

    def changelist_view(self, request, extra_context=None):
        settings = DetectionSettings.load()
        return redirect(
            reverse("admin:entities_detectionsettings_change", args=[settings.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MentionSuggestion)
class MentionSuggestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "entity",
        "article",
        "state",
        "count",
        "words",
        "why",
        "ambiguous",
        "updated_at",
    ]
    list_filter = ["state", "ambiguous"]
    list_select_related = ["entity", "article"]
    search_fields = ["entity__name", "article__headline"]

    @admin.display(description="Words matched")
    def words(self, suggestion):
        return ", ".join(f"“{w}”" for w in suggestion.matched_words)

    @admin.display(description="Why")
    def why(self, suggestion):
        return "; ".join(suggestion.reasons)
