"""Autosave: the change form's draft kept every few seconds, so that no
word is lost to a closed tab or a crash."""

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles.models import (
    Autosave,
    EditingSession,
)
from newsroom.text import display_name


class AutosaveViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
            others = (
                EditingSession.objects.current()
                .filter(article=article)
                .exclude(user=request.user)
            )
            response["version"] = article.version
            response["others"] = sorted(
                display_name(s.user) for s in others.select_related("user")
            )
        return JsonResponse(response)
