"""Previews: the story as readers will see it, and preview links for
people outside the desk."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles.forms import (
    PreviewLinkForm,
)
from articles.models import (
    PreviewLink,
)
from articles.story_page import article_page_queryset, render_article
from articles.workflow import (
    is_editor,
)


class PreviewViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

    def preview_view(self, request, object_id):
        """The story as readers will see it, for staff, whatever its state."""
        article = self._get_viewable(request, object_id)
        article = article_page_queryset().get(pk=article.pk)
        return render_article(request, article, preview="staff")

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
