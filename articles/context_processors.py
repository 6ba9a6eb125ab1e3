import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.caching import cached_for_generation, current_generation, wants_fresh
from articles.models import Section


def sections(request):
    """The sections in navigation order, each with its ``url``."""

    def load():
        sections = list(Section.objects.all())
        for section in sections:
            section.url = section.get_absolute_url()
        return sections

    return cached_for_generation("sections", load, request=request)


def navigation(request):
    """The masthead's name and section navigation, on every page."""
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        # Lazy: evaluated only by templates that draw the navigation, and
        # kept in the cache until something readers see changes.
        "nav_sections": lambda: sections(request),
        # For {% cache fragment_seconds … page_generation %}: fragments kept
        # until readers would see a change; never for staff, who see fresh.
        "page_generation": SimpleLazyObject(
            lambda: current_generation(request) or f"fresh-{uuid.uuid4()}"
        ),
        "fragment_seconds": 0 if wants_fresh(request) else 3600,
    }
