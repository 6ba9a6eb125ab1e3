from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The plumbing that belongs to no desk: the page generation that keeps
    every worker's cached pages true, and the deployment checks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from newsroom import checks  # noqa: F401  registers the checks
