from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from taggit import apps as taggit_apps

# The admin's and taggit's configurations are reached through their modules:
# a class imported by name would count as one this module declares.


class ArticlesConfig(AppConfig):
    default = True  # of the three configurations here, the one "articles" means
    name = "articles"
    verbose_name = "Stories and pictures"
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


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the desk's home page instead of the list of apps
    (articles.admin_site.DeskAdminSite)."""

    default = False
    default_site = "articles.admin_site.DeskAdminSite"


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit as the desk knows it: "Tags", not "Taggit"."""

    default = False
    verbose_name = "Tags"
