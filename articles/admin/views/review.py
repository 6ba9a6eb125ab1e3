"""The review queue: stories waiting for an editor, oldest first."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.template.response import TemplateResponse

from articles.models import (
    Article,
    Transition,
)
from articles.workflow import (
    Action,
)


class ReviewQueueViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
