"""A story's versions: the history page and two versions compared."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version

from articles import history


class HistoryViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
