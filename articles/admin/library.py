"""Sections, pictures and authors: what stories are filed under, lead with
and signed by."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.html import format_html

from articles.admin.common import (
    thumbnail,
)
from articles.forms import (
    ImageAdminForm,
)
from articles.images import MediaStorageError, layout_shortfall, store_image
from articles.models import (
    Author,
    Image,
    Section,
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
    form = ImageAdminForm
    list_display = ["preview", "alt_text", "credit", "dimensions", "uploaded_at"]
    list_display_links = ["preview", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = [
        "focal_point_picker",
        "dimensions",
        "renditions_made",
        "uploaded_by",
        "uploaded_at",
    ]

    class Media:
        # Click the picture to set its focal point (no inline script: CSP).
        js = ["js/image_focal_point.js"]
        css = {"all": ["css/admin_image.css"]}

    def get_fields(self, request, obj=None):
        if obj is None or not obj.file:
            return ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        return [
            "file",
            "focal_point_picker",
            "alt_text",
            "caption",
            "credit",
            "focal_x",
            "focal_y",
            "dimensions",
            "renditions_made",
        ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(rendition_count=Count("renditions"))
        )

    @admin.display(description="Image")
    def preview(self, image):
        return thumbnail(image, 96)

    @admin.display(description="Focal point")
    def focal_point_picker(self, image):
        return format_html(
            '<div class="focal-picker" data-focal-picker tabindex="0" '
            'aria-label="Focal point: click the picture, or use the arrow keys">'
            '<img src="{}" alt="{}" width="{}" height="{}" draggable="false">'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the point crops must keep in view (a face, '
            "the car's badge); the fields below follow. Saving makes the "
            "renditions again.</p>",
            image.file.url,
            image.alt_text,
            image.width,
            image.height,
        )

    @admin.display(description="Size")
    def dimensions(self, image):
        if not image.width:
            return "—"
        size = f"{image.width} × {image.height} px"
        if warning := layout_shortfall(image.width, image.height):
            return format_html(
                '{}<p class="story-warning image-too-small">{}</p>', size, warning
            )
        return size

    @admin.display(description="Renditions")
    def renditions_made(self, image):
        return getattr(image, "rendition_count", 0) or "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except MediaStorageError as error:
            # The admin's transaction has rolled back and store_image has
            # deleted what it wrote: back to the form, nothing half-saved.
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        # Renditions are made once, here, and served from then on; a new file
        # or focal point makes them again.
        store_image(
            obj,
            remake_renditions=change
            and bool({"file", "focal_x", "focal_y"} & set(form.changed_data)),
        )
        if "file" in form.changed_data and (
            warning := layout_shortfall(obj.width, obj.height)
        ):
            messages.warning(request, warning)


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
