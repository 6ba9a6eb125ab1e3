import uuid

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsroom.caching import current_generation, wants_fresh


def site(request):
    """The masthead's name and tagline, and what cached fragments are keyed
    by, on every page."""
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        # For {% cache fragment_seconds … page_generation %}: fragments kept
        # until readers would see a change; never for staff, who see fresh.
        "page_generation": SimpleLazyObject(
            lambda: current_generation(request) or f"fresh-{uuid.uuid4()}"
        ),
        "fragment_seconds": 0 if wants_fresh(request) else 3600,
    }
