"""Tag suggestions for the change form."""

from django.http import JsonResponse
from taggit.models import Tag


class TagViews:
    """Part of ArticleAdmin (articles.admin.stories)."""

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
