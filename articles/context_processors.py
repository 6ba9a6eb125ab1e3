from django.conf import settings

from articles.models import Section


def navigation(request):
    """The masthead's name and section navigation, on every page."""
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        # Lazy: evaluated only by templates that draw the navigation.
        "nav_sections": Section.objects.all,
    }
