from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.caching import cached_for_generation, current_generation
from articles.models import Section


def sections():
    return cached_for_generation("sections", lambda: list(Section.objects.all()))


def navigation(request):
    """The masthead's name and section navigation, on every page."""
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        # Lazy: evaluated only by templates that draw the navigation, and
        # kept in the cache until something readers see changes.
        "nav_sections": sections,
        # For {% cache %} fragments that stay until readers would see a change.
        "page_generation": SimpleLazyObject(lambda: current_generation(request)),
    }
