"""Saving a story from its change form: edit conflicts, versions,
the editorial rules of a save (articles.editing) and the workflow step
asked for with it; the change form's context."""

import reversion
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import history
from articles.admin.common import (
    editor_styles_allowed,
    with_csp_nonce,
)
from articles.diff import inline_diff
from articles.editing import EditConflict, after_save, before_save
from articles.forms import (
    EditorialCommentForm,
    PreviewLinkForm,
)
from articles.models import (
    Article,
    Autosave,
    Correction,
    EditingSession,
)
from articles.workflow import (
    Action,
    WorkflowError,
    available_actions,
    is_editor,
    perform,
    refusal,
)
from entities.mentions import (
    mentions_in,
    stale_titles,
    story_text,
)
from newsroom.text import html_to_text


class SavingMixin:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
            before_save(
                obj,
                base_version=form.cleaned_data.get("base_version"),
                changed_fields=form.changed_data,
                minor_edit=form.cleaned_data.get("minor_edit", False),
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        after_save(article, request.user, created=not change)
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
                EditingSession.objects.current()
                .filter(article=obj)
                .exclude(user=user)
                .select_related("user")
            )
            transitions = list(obj.transitions.select_related("user")[:50])
            context.update(
                {
                    "workflow_actions": available_actions(user, obj)
                    if self._editable(request, obj)
                    else [],
                    # The author of a story in review cannot edit it, but
                    # may take it back (a form of its own: pull_back_view).
                    "can_pull_back": not self._editable(request, obj)
                    and refusal(user, obj, Action.PULL_BACK) is None,
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
