from django import template

from articles.models import Article

register = template.Library()


@register.simple_tag
def review_queue_count():
    return Article.objects.filter(status=Article.Status.IN_REVIEW).count()
