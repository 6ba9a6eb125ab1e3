import datetime

import reversion
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from js_asset import Media
from reversion.models import Version
from taggit.models import Tag

from articles import history
from articles.diff import html_to_text, inline_diff
from articles.forms import (
    ArticleAdminForm,
    EditorialCommentForm,
    ImageAdminForm,
    PreviewLinkForm,
)
from articles.images import MediaStorageError, store_image
from articles.models import (
    Article,
    Author,
    Autosave,
    Byline,
    Correction,
    EditingSession,
    EditorialComment,
    Image,
    PreviewLink,
    Section,
    SlugRedirect,
    Transition,
)
from articles.paginators import EstimatedCountPaginator
from articles.views import article_page_queryset, render_article
from articles.workflow import (
    Action,
    WorkflowError,
    available_actions,
    can_edit,
    is_editor,
    perform,
)
from entities.mentions import (
    detect_mentions,
    mentions_for_panel,
    mentions_in,
    record_quotes,
    record_suggestions,
    section_name,
    stale_titles,
    story_text,
)
from entities.mentions import dismiss as dismiss_suggestion
from entities.models import Entity, MentionSuggestion, Quote

# Someone whose change form pinged within this time still has the story open.
PRESENCE_WINDOW = datetime.timedelta(minutes=2)


def thumbnail(image, size=120):
    if not image or not image.file:
        return "—"
    return format_html(
        '<img class="image-preview" src="{}" alt="{}" width="{}">',
        image.file.url,
        image.alt_text,
        size,
    )


def with_csp_nonce(request, media):
    """The form's media carrying this request's Content-Security-Policy nonce:
    the rich-text editor's import map is an inline script, and the policy
    lets an inline script run only with the nonce."""
    return Media.from_media(media, nonce=getattr(request, "csp_nonce", ""))


# The rich-text editor (Tiptap, inside django-prose-editor) adds its base
# stylesheet as a <style> element and cannot be given a nonce: pages with the
# editor allow exactly that stylesheet by its hash. tests/test_security.py
# recomputes the hash from the installed editor, so an upgrade that changes
# the stylesheet fails there rather than in a journalist's browser.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
editor_styles_allowed = csp_update({"style-src": [PROSE_EDITOR_STYLE_HASH]})


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
        "preview_large",
        "dimensions",
        "renditions_made",
        "uploaded_by",
        "uploaded_at",
    ]
    fields = [
        "file",
        "preview_large",
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

    @admin.display(description="Preview")
    def preview_large(self, image):
        return thumbnail(image, 360)

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

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


class EditConflict(Exception):
    """The story was saved by someone else since this form was opened."""

    def __init__(self, current: Article):
        super().__init__(f"{current} was saved since it was opened")
        self.current = current


class InReviewFilter(admin.SimpleListFilter):
    """The review queue: stories waiting for an editor."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "Review queue")]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Article.Status.IN_REVIEW)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "section", "bylines__author", "published_at"]
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
    # No exact COUNT(*) over every story on each load (see articles/paginators.py).
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
        label = article.get_status_display()
        if article.status == Article.Status.PUBLISHED and not article.is_published:
            when = timezone.localtime(article.published_at)
            label = f"Scheduled for {when:%d %b %Y %H:%M}"
        return label

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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            current = self.get_object(request, object_id)
            submitted = request.POST.get("base_version", "")
            if (
                current is not None
                and submitted != str(current.version)
                and self.has_change_permission(request, current)
            ):
                return self.conflict_view(request, current)
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Saved" if object_id else "Created")
                response = super().changeform_view(
                    request, object_id, form_url, extra_context
                )
            self._link_new_corrections(request)
            return response
        except EditConflict as conflict:
            return self.conflict_view(request, conflict.current)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(request.path)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            request.new_corrections = [c.pk for c in formset.new_objects]

    def _link_new_corrections(self, request):
        """Corrections added with a save point at the version it made, which
        exists once the revision block has closed."""
        added = getattr(request, "new_corrections", [])
        if added:
            corrections = Correction.objects.filter(pk__in=added)
            article = corrections.first().article
            corrections.update(version=history.versions_of(article).first())

    def save_model(self, request, obj, form, change):
        if change:
            current = Article.objects.select_for_update().get(pk=obj.pk)
            if form.cleaned_data.get("base_version") != current.version:
                raise EditConflict(current)
            obj.version = current.version + 1
            if current.has_been_public and current.slug != obj.slug:
                SlugRedirect.objects.filter(old_slug=obj.slug).delete()
                SlugRedirect.objects.update_or_create(
                    old_slug=current.slug, defaults={"article": obj}
                )
            text_changed = {"headline", "dek", "body"} & set(form.changed_data)
            if (
                obj.is_published
                and text_changed
                and not form.cleaned_data.get("minor_edit")
            ):
                obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change and not is_editor(request.user):
            # A journalist's new story is theirs, so they can go on editing
            # it: their byline is added, and made if they have none yet.
            author = getattr(request.user, "author", None) or Author.objects.create(
                name=request.user.get_full_name() or request.user.username,
                user=request.user,
            )
            if not article.bylines.filter(author=author).exists():
                Byline.objects.create(
                    article=article, author=author, order=article.bylines.count()
                )
        # What the story mentions now: suggestions, and links when the
        # newsroom auto-accepts clear mentions.
        record_suggestions(article)
        record_quotes(article)
        # Bylines and entity links are saved after the story: version them too.
        reversion.add_to_revision(article)
        Autosave.objects.filter(user=request.user, article=article).delete()
        if not change:
            Autosave.objects.filter(user=request.user, article=None).delete()
        if action := form.workflow_action():
            perform(
                article,
                action,
                request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
                publish_at=form.cleaned_data.get("workflow_publish_at"),
                public_notice=form.cleaned_data.get("workflow_public_notice", ""),
            )
            messages.success(
                request, f"“{article.headline}”: {action.label.lower()} done."
            )

    def response_change(self, request, obj):
        if "_workflow" in request.POST:
            return redirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    @editor_styles_allowed
    def conflict_view(self, request, current):
        """The second person's save met a newer version: show both, keep theirs."""
        form = self.get_form(request, current, change=True)(
            data=request.POST, files=request.FILES, instance=current
        )
        mine = {
            "Headline": request.POST.get("headline", ""),
            "Standfirst": request.POST.get("dek", ""),
            "Body": html_to_text(request.POST.get("body", "")),
        }
        theirs = {
            "Headline": current.headline,
            "Standfirst": current.dek,
            "Body": html_to_text(current.body),
        }
        last = (
            Version.objects.get_for_object(current)
            .select_related("revision__user")
            .first()
        )
        kept = [
            (key, value)
            for key, values in request.POST.lists()
            if key
            not in {
                "csrfmiddlewaretoken",
                "base_version",
                "headline",
                "dek",
                "body",
                "_workflow",
            }
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Someone else saved this story",
            "opts": self.opts,
            "original": current,
            "form": form,
            "media": with_csp_nonce(request, self.media + form.media),
            "saved_by": last.revision.user if last else None,
            "saved_at": current.modified_at,
            "changes": [
                {
                    "label": label,
                    "theirs": theirs[label],
                    "mine": mine[label],
                    "diff": inline_diff(theirs[label], mine[label]),
                }
                for label in mine
                if mine[label] != theirs[label]
            ],
            "kept_fields": kept,
            "current_version": current.version,
        }
        return TemplateResponse(
            request, "admin/articles/article/conflict.html", context, status=409
        )

    @editor_styles_allowed
    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        user = request.user
        if obj is not None:
            self._record_presence(request, obj)
            others = (
                EditingSession.objects.filter(
                    article=obj, seen_at__gte=timezone.now() - PRESENCE_WINDOW
                )
                .exclude(user=user)
                .select_related("user")
            )
            transitions = list(obj.transitions.select_related("user")[:50])
            context.update(
                {
                    "workflow_actions": available_actions(user, obj)
                    if self._editable(request, obj)
                    else [],
                    "transitions": transitions,
                    "changes_requested": transitions[0]
                    if transitions
                    and transitions[0].action == Action.REQUEST_CHANGES
                    and obj.status == Article.Status.DRAFT
                    else None,
                    # A list: the template takes its length and its |last.
                    "comments": list(obj.comments.select_related("author")),
                    "comment_form": EditorialCommentForm(),
                    "others_editing": [session.user for session in others],
                    "preview_links": obj.preview_links.select_related("created_by")
                    if is_editor(user)
                    else [],
                    "preview_link_form": PreviewLinkForm() if is_editor(user) else None,
                    "version_count": history.versions_of(obj).count(),
                    "stale_title_warnings": stale_titles(
                        story_text(obj.headline, obj.dek, obj.body),
                        mentions_in(obj),
                        timezone.localdate(obj.published_at)
                        if obj.published_at
                        else timezone.localdate(),
                    ),
                }
            )
        autosave = Autosave.objects.filter(user=user, article=obj).first()
        newer = autosave and (obj is None or autosave.saved_at > obj.modified_at)
        if newer and "restore" not in request.GET:
            context["autosave"] = autosave
        context["restored"] = request.GET.get("restore")
        context["autosave_url"] = reverse("admin:articles_article_autosave")
        context["mentions_url"] = reverse("admin:articles_article_mentions")
        context["media"] = with_csp_nonce(request, context["media"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _record_presence(self, request, obj):
        EditingSession.objects.update_or_create(
            article=obj, user=request.user, defaults={"seen_at": timezone.now()}
        )

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

    @method_decorator(require_POST)
    def mentions_view(self, request):
        """Live mention detection for the change form, while someone types."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        article = None
        if article_id := request.POST.get("article"):
            article = self.get_object(request, article_id)
        headline = request.POST.get("headline", "")[:1000]
        dek = request.POST.get("dek", "")[:2000]
        body = request.POST.get("body", "")[:1_000_000]
        section = section_name(request.POST.get("section", ""))
        mentions = detect_mentions(headline, dek, body, section=section)
        ids = {pk for mention in mentions for pk in mention.entity_ids}
        entities = Entity.objects.in_bulk(ids)
        linked, dismissed = set(), set()
        if article is not None:
            linked = set(article.entity_links.values_list("entity_id", flat=True))
            dismissed = set(
                article.suggestions.filter(
                    state=MentionSuggestion.State.DISMISSED
                ).values_list("entity_id", flat=True)
            )
        on = (
            timezone.localdate(article.published_at)
            if article is not None and article.published_at
            else timezone.localdate()
        )
        text = story_text(headline, dek, body)
        return JsonResponse(
            {
                "mentions": mentions_for_panel(mentions, entities, linked, dismissed),
                "warnings": stale_titles(text, mentions, on),
            }
        )

    @method_decorator(require_POST)
    def dismiss_mention_view(self, request, object_id, entity_id):
        """Remember that this story does not mean this entity."""
        article = self._get_viewable(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        entity = get_object_or_404(Entity, pk=entity_id)
        with transaction.atomic():
            suggestion, _ = MentionSuggestion.objects.get_or_create(
                article=article, entity=entity
            )
            dismiss_suggestion(suggestion)
        return JsonResponse({"dismissed": entity.pk})

    def _get_viewable(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def review_queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        stories = (
            Article.objects.filter(status=Article.Status.IN_REVIEW)
            .select_related("section")
            .annotate(
                submitted_at=Max(
                    "transitions__created_at",
                    filter=Q(transitions__action=Action.SUBMIT),
                )
            )
            .order_by("submitted_at", "pk")
        )
        submitters = {
            t.article_id: t.user
            for t in Transition.objects.filter(
                article__in=stories, action=Action.SUBMIT
            )
            .select_related("user")
            .order_by("created_at")
        }
        rows = [(story, submitters.get(story.pk)) for story in stories]
        context = {
            **self.admin_site.each_context(request),
            "title": "Review queue",
            "opts": self.opts,
            "rows": rows,
        }
        return TemplateResponse(
            request, "admin/articles/article/review_queue.html", context
        )

    def history_view(self, request, object_id, extra_context=None):
        article = self._get_viewable(request, object_id)
        versions = list(history.versions_of(article))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {article.headline}",
            "opts": self.opts,
            "original": article,
            "versions": versions,
            "transitions": article.transitions.select_related("user"),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, object_id):
        article = self._get_viewable(request, object_id)
        versions = history.versions_of(article)
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            messages.error(request, "Choose two versions of this story to compare.")
            return redirect(
                reverse("admin:articles_article_history", args=[article.pk])
            )
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        changes = history.compare(history.snapshot(old), history.snapshot(new))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {article.headline}",
            "opts": self.opts,
            "original": article,
            "old": old,
            "new": new,
            "changes": changes,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def preview_view(self, request, object_id):
        """The story as readers will see it, for staff, whatever its state."""
        article = self._get_viewable(request, object_id)
        article = article_page_queryset().get(pk=article.pk)
        return render_article(request, article, preview="staff")

    @method_decorator(require_POST)
    def comment_view(self, request, object_id):
        article = self._get_viewable(request, object_id)
        if not request.user.has_perm("articles.add_editorialcomment"):
            raise PermissionDenied
        form = EditorialCommentForm(request.POST)
        if form.is_valid():
            EditorialComment.objects.create(
                article=article, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, "Comment added.")
        else:
            messages.error(request, "A comment cannot be empty.")
        return redirect(
            reverse("admin:articles_article_change", args=[article.pk]) + "#comments"
        )

    @method_decorator(require_POST)
    def create_preview_link_view(self, request, object_id):
        article = self._get_viewable(request, object_id)
        if not (
            is_editor(request.user)
            and request.user.has_perm("articles.add_previewlink")
        ):
            raise PermissionDenied
        form = PreviewLinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say who the link is for and how long it lasts.")
        else:
            link = PreviewLink.objects.create(
                article=article,
                recipient=form.cleaned_data["recipient"],
                created_by=request.user,
                expires_at=timezone.now()
                + datetime.timedelta(hours=form.cleaned_data["valid_for_hours"]),
            )
            url = request.build_absolute_uri(link.get_absolute_url())
            messages.success(request, f"Preview link for {link.recipient}: {url}")
        return redirect(
            reverse("admin:articles_article_change", args=[article.pk])
            + "#preview-links"
        )

    @method_decorator(require_POST)
    def revoke_preview_link_view(self, request, object_id, link_id):
        article = self._get_viewable(request, object_id)
        if not (
            is_editor(request.user)
            and request.user.has_perm("articles.change_previewlink")
        ):
            raise PermissionDenied
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        link.revoked_at = link.revoked_at or timezone.now()
        link.save(update_fields=["revoked_at"])
        messages.success(
            request, f"The preview link for {link.recipient} no longer works."
        )
        return redirect(
            reverse("admin:articles_article_change", args=[article.pk])
            + "#preview-links"
        )

    @method_decorator(require_POST)
    def autosave_view(self, request):
        """Keep the change form's work in progress; no version, no transition."""
        article = None
        if article_id := request.POST.get("article"):
            article = self.get_object(request, article_id)
            if article is None or not self.has_change_permission(request, article):
                return JsonResponse(
                    {"error": "You cannot edit this story."}, status=403
                )
        elif not self.has_add_permission(request):
            return JsonResponse({"error": "You cannot write stories."}, status=403)
        data = {
            "headline": request.POST.get("headline", "")[:200],
            "slug": request.POST.get("slug", "")[:200],
            "dek": request.POST.get("dek", "")[:400],
            "body": request.POST.get("body", "")[:1_000_000],
        }
        base_version = request.POST.get("base_version", "")
        with transaction.atomic():
            Autosave.objects.update_or_create(
                user=request.user,
                article=article,
                defaults={
                    "data": data,
                    "saved_at": timezone.now(),
                    "base_version": int(base_version) if base_version.isdigit() else 0,
                },
            )
            if article is not None:
                self._record_presence(request, article)
        response = {"saved_at": timezone.localtime().strftime("%H:%M:%S")}
        if article is not None:
            others = EditingSession.objects.filter(
                article=article, seen_at__gte=timezone.now() - PRESENCE_WINDOW
            ).exclude(user=request.user)
            response["version"] = article.version
            response["others"] = sorted(
                s.user.get_full_name() or s.user.username
                for s in others.select_related("user")
            )
        return JsonResponse(response)

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


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit log: every workflow step, filterable, read-only."""

    list_display = [
        "created_at",
        "article",
        "action_label",
        "from_status",
        "to_status",
        "user",
        "comment",
    ]
    list_filter = ["action", "to_status", "user", "created_at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__headline", "comment"]
    date_hierarchy = "created_at"

    @admin.display(description="Action", ordering="action")
    def action_label(self, transition):
        return dict(Action.choices).get(transition.action, transition.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
