from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import purges  # noqa: F401  (registers what readers see)
        from articles.models import Article
        from newsroom.caching import register_schedule

        register_schedule(
            lambda: (
                Article.objects.scheduled()
                .order_by("published_at")
                .values("published_at")
            )
        )
