"""Entity mentions while a story is written: what the text names now, and
dismissing a suggestion."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from entities.mentions import (
    detect_mentions,
    mentions_for_panel,
    section_name,
    stale_titles,
    story_text,
)
from entities.mentions import dismiss as dismiss_suggestion
from entities.models import Entity, MentionSuggestion


class MentionViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
