"""Stories in the admin: the list, the change form's configuration and
permissions, and the pages a story has besides (each in a module of
articles.admin.views, mixed into ArticleAdmin)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import history
from articles.admin.common import (
    thumbnail,
)
from articles.admin.filters import (
    MineFilter,
    OpenNowFilter,
    StateFilter,
    SuggestionsFilter,
    WhenFilter,
)
from articles.admin.saving import SavingMixin
from articles.admin.views.autosave import AutosaveViews
from articles.admin.views.comments import CommentViews
from articles.admin.views.history import HistoryViews
from articles.admin.views.mentions import MentionViews
from articles.admin.views.preview import PreviewViews
from articles.admin.views.pull_back import PullBackViews
from articles.admin.views.review import ReviewQueueViews
from articles.admin.views.tags import TagViews
from articles.forms import (
    ArticleAdminForm,
)
from articles.models import (
    Article,
    Autosave,
    Byline,
    Correction,
    Transition,
)
from articles.workflow import (
    can_edit,
    is_editor,
)
from entities.models import MentionSuggestion, Quote
from newsroom.paginators import EstimatedCountPaginator


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "published_at", "corrected_change"]
    readonly_fields = ["corrected_change"]

    @admin.display(description="What changed")
    def corrected_change(self, correction):
        """A link to the diff between the version this correction came with
        and the one before it."""
        if correction.version_id is None:
            return "—"
        versions = list(
            history.versions_of(correction.article)
            .filter(pk__lte=correction.version_id)
            .values_list("pk", flat=True)[:2]
        )
        if len(versions) < 2:
            return "—"
        url = reverse("admin:articles_article_compare", args=[correction.article_id])
        return format_html(
            '<a href="{}?old={}&amp;new={}">Compare the versions</a>',
            url,
            versions[1],
            versions[0],
        )

    def has_add_permission(self, request, obj=None):
        # Corrections are appended by editors to stories readers have seen.
        return obj is not None and obj.has_been_public and is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


class QuoteInline(admin.TabularInline):
    """Words the story attributes to people: detected ones wait for the desk
    to confirm them; editors can attribute a quote by hand."""

    model = Quote
    extra = 0
    fields = ["person", "text", "confirmed"]
    autocomplete_fields = ["person"]
    verbose_name_plural = "quotes (confirmed ones appear on the person's page)"

    def has_add_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


@admin.register(Article)
class ArticleAdmin(
    SavingMixin,
    MentionViews,
    ReviewQueueViews,
    HistoryViews,
    PreviewViews,
    PullBackViews,
    CommentViews,
    AutosaveViews,
    TagViews,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "section",
        "byline",
        "status_label",
        "published_at",
        "modified_at",
    ]
    list_filter = [
        StateFilter,
        MineFilter,
        WhenFilter,
        OpenNowFilter,
        SuggestionsFilter,
        "section",
        "bylines__author",
        "published_at",
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["lead_image"]  # a desk has few sections: a plain list
    readonly_fields = [
        "status_label",
        "body_as_readers_see_it",
        "lead_image_preview",
        "published_at",
        "updated_at",
        "first_published_at",
        "withdrawal_notice",
        "created_at",
        "modified_at",
    ]
    inlines = [QuoteInline, CorrectionInline]
    show_facets = admin.ShowFacets.NEVER  # facet counts are a COUNT per filter value
    list_per_page = 50
    # What the desk touched last comes first; an index keeps it a short read
    # whatever the size of the archive.
    ordering = ["-modified_at", "-pk"]
    # No exact COUNT(*) over every story on each load (see newsroom/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_fieldsets(self, request, obj=None):
        publication = [
            "status_label",
            "published_at",
            "updated_at",
            "first_published_at",
            "created_at",
            "modified_at",
        ]
        if obj is not None and obj.status == Article.Status.WITHDRAWN:
            publication.append("withdrawal_notice")
        if obj is not None and obj.has_been_public and self._editable(request, obj):
            publication.insert(0, "minor_edit")
        content = ["headline", "slug", "dek", "body"]
        if self._editable(request, obj):
            content.append("base_version")
        else:
            content[3] = "body_as_readers_see_it"
        return [
            (None, {"fields": content}),
            (
                "Placement",
                {"fields": ["section", "byline_authors", "tags", "linked_entities"]},
            ),
            ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
            ("Publication", {"fields": publication}),
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    # Permissions: the rules live in articles.workflow.

    def _editable(self, request, obj):
        return obj is None or can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # The audit log, mention suggestions and the story's quotes cannot be
        # deleted on their own pages, but they go with their story
        # (on_delete=CASCADE): they must not make every story that took a
        # workflow step or names a company impossible to delete.
        perms_needed -= {
            model._meta.verbose_name for model in (Transition, MentionSuggestion, Quote)
        }
        return deleted, counts, perms_needed, protected

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        admin_site, restore = self.admin_site, self._restore_data(request, obj)

        class BoundArticleForm(form):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault(
                    "restore", None if args or kwargs.get("data") else restore
                )
                super().__init__(
                    *args, admin_site=admin_site, user=request.user, **kwargs
                )

        return BoundArticleForm

    def _restore_data(self, request, obj):
        """What ``?restore=…`` asks to put back in the form: the person's own
        autosave, or an older version of the story."""
        which = request.GET.get("restore")
        if which == "autosave":
            autosave = Autosave.objects.filter(user=request.user, article=obj).first()
            return autosave.data if autosave else None
        if which and which.isdigit() and obj is not None:
            version = history.versions_of(obj).filter(pk=which).first()
            return history.snapshot(version).form_initial() if version else None
        return None

    # List columns

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors) or "—"

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        return article.state_label()

    @admin.display(description="Lead image preview")
    def lead_image_preview(self, article):
        return thumbnail(article.lead_image, 360)

    # Read-only displays of the form's own fields, for those who may not edit.

    @admin.display(description="Body")
    def body_as_readers_see_it(self, article):
        # Sanitised on save: the same HTML readers get.
        return format_html(
            '<div class="story-body-preview">{}</div>', mark_safe(article.body)
        )

    @admin.display(description="Authors")
    def byline_authors(self, article):
        return self.byline(article)

    @admin.display(description="Companies, people and brands")
    def linked_entities(self, article):
        return ", ".join(entity.name for entity in article.entities.all()) or "—"

    @admin.display(description="Tags")
    def tags(self, article):
        return ", ".join(tag.name for tag in article.tags.all()) or "—"

    # Saving: stale saves, live edits, redirects, bylines, versions, workflow.

    # Extra pages: review queue, history, preview, comments, autosave, links.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "review-queue/",
                view(self.review_queue_view),
                name="articles_article_review_queue",
            ),
            path(
                "tag-autocomplete/",
                view(self.tag_autocomplete),
                name="articles_article_tag_autocomplete",
            ),
            path(
                "autosave/", view(self.autosave_view), name="articles_article_autosave"
            ),
            path(
                "mentions/", view(self.mentions_view), name="articles_article_mentions"
            ),
            path(
                "<path:object_id>/mentions/<int:entity_id>/dismiss/",
                view(self.dismiss_mention_view),
                name="articles_article_dismiss_mention",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/comment/",
                view(self.comment_view),
                name="articles_article_comment",
            ),
            path(
                "<path:object_id>/pull-back/",
                view(self.pull_back_view),
                name="articles_article_pull_back",
            ),
            path(
                "<path:object_id>/preview-links/",
                view(self.create_preview_link_view),
                name="articles_article_preview_link",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link_view),
                name="articles_article_revoke_preview_link",
            ),
            *super().get_urls(),
        ]

    def _get_viewable(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article
