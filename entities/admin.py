from django.contrib import admin
from django.db.models import Count

from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    Entity,
    Person,
    Role,
)


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["name", "case_sensitive"]


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


class EntityAdminBase(StoryCountMixin, admin.ModelAdmin):
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["image"]
    inlines = [AliasInline]
    list_display = ["name", "country", "story_count"]
    list_filter = ["country"]

    def view_on_site(self, entity):
        return entity.get_absolute_url()


@admin.register(Entity)
class EntityAdmin(StoryCountMixin, admin.ModelAdmin):
    """Every company, person and brand in one list (and the story form's
    autocomplete)."""

    list_display = ["name", "kind", "story_count"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]

    def has_add_permission(self, request):
        return False  # add a company, person or brand, so it gets its kind's fields

    def has_change_permission(self, request, obj=None):
        return False


class RoleAtCompanyInline(admin.TabularInline):
    model = Role
    fk_name = "company"
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "title", "start_date", "end_date"]
    verbose_name = "person and role"
    verbose_name_plural = "people and roles"


class RoleOfPersonInline(admin.TabularInline):
    model = Role
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["company"]
    fields = ["company", "title", "start_date", "end_date"]


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
    inlines = [AliasInline, BrandInline, RoleAtCompanyInline, RelationshipInline]


@admin.register(Person)
class PersonAdmin(EntityAdminBase):
    fields = ["name", "slug", "description", "image", "country", "website"]
    inlines = [AliasInline, RoleOfPersonInline]


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
