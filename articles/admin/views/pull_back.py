"""Pull back: the author takes a story they submitted back to draft, before
an editor acts on it. A step of the workflow like any other
(articles.workflow.perform), from a form of its own because the author may
not edit the story while it is in review."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles.workflow import Action, WorkflowError, perform


class PullBackViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

    @method_decorator(require_POST)
    def pull_back_view(self, request, object_id):
        article = self._get_viewable(request, object_id)
        try:
            perform(article, Action.PULL_BACK, request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"“{article.headline}” is a draft again: make your changes, "
                "then submit it for review.",
            )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))
