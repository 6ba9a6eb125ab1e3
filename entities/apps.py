from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = "Companies, people and brands"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from entities import purges, signals  # noqa: F401  (connect the receivers)
