"""Editorial comments on a story: the desk's notes, never public."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles.forms import (
    EditorialCommentForm,
)
from articles.models import (
    EditorialComment,
)


class CommentViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
