from articles.models import Section
from newsroom.caching import cached_for_generation


def sections(request):
    """The sections in navigation order, each with its ``url``."""

    def load():
        sections = list(Section.objects.all())
        for section in sections:
            section.url = section.get_absolute_url()
        return sections

    return cached_for_generation("sections", load, request=request)


def navigation(request):
    """The section navigation, on every page. Lazy: evaluated only by
    templates that draw it, and kept in the cache until something readers
    see changes."""
    return {"nav_sections": lambda: sections(request)}
