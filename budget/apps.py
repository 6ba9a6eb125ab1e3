from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Story budget"

    def ready(self):
        from budget import home, signals  # noqa: F401  (moves links when entities merge)

        home.register()
