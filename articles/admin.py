from django.contrib import admin
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html
from taggit.models import Tag

from articles.forms import ArticleAdminForm
from articles.models import Article, Author, Byline, Correction, Image, Section


def thumbnail(image, size=120):
    if not image or not image.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" style="height:auto;border-radius:4px">',
        image.file.url,
        image.alt_text,
        size,
    )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "story_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("articles"))
            .order_by("order", "name")
        )

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, section):
        return section.story_count


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["preview", "alt_text", "credit", "dimensions", "uploaded_at"]
    list_display_links = ["preview", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview_large", "dimensions", "uploaded_by", "uploaded_at"]
    fields = ["file", "preview_large", "alt_text", "caption", "credit", "dimensions"]

    @admin.display(description="Image")
    def preview(self, image):
        return thumbnail(image, 96)

    @admin.display(description="Preview")
    def preview_large(self, image):
        return thumbnail(image, 360)

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "user", "story_count"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(story_count=Count("bylines"))
            .order_by("name")
        )

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, author):
        return author.story_count


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "published_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "byline",
        "status",
        "published_at",
        "modified_at",
    ]
    list_filter = ["status", "section", "bylines__author", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["lead_image", "section"]
    readonly_fields = [
        "lead_image_preview",
        "first_published_at",
        "created_at",
        "modified_at",
    ]
    inlines = [CorrectionInline]
    show_facets = admin.ShowFacets.NEVER  # facet counts are a COUNT per filter value
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (
            "Placement",
            {"fields": ["section", "byline_authors", "tags", "linked_entities"]},
        ),
        ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "updated_at",
                    "first_published_at",
                    "created_at",
                    "modified_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        admin_site = self.admin_site

        class BoundArticleForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, admin_site=admin_site, **kwargs)

        return BoundArticleForm

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors) or "—"

    @admin.display(description="Lead image preview")
    def lead_image_preview(self, article):
        return thumbnail(article.lead_image, 360)

    def get_urls(self):
        return [
            path(
                "tag-autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete),
                name="articles_article_tag_autocomplete",
            ),
            *super().get_urls(),
        ]

    def tag_autocomplete(self, request):
        term = request.GET.get("term", "").strip()[:100]
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(name__icontains=term)
        names = list(tags.values_list("name", flat=True)[:20])
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in names],
                "pagination": {"more": False},
            }
        )
