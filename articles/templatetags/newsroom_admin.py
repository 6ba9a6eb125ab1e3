from django import template

register = template.Library()


@register.filter
def duration_minutes(duration) -> str:
    """A timedelta as people say it: "15 minutes", "1 minute"."""
    minutes = max(1, round(duration.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
