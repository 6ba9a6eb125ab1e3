"""The admin site: Django's, with the desk's home at /admin/ in place of the
list of apps (which moves to the foot of the home). Every admin URL and name
stays Django's. Installed through articles.apps.DeskAdminConfig.

Outside the articles.admin package on purpose: Django imports this module
to make the site that package registers its ModelAdmins on, and importing
the package first would make the site twice."""

from django.contrib import admin


class DeskAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "The desk"
    index_template = "admin/desk_home.html"

    # The desk's apps first, in the order of a working day; the rest after.
    app_order = ["articles", "entities", "taggit"]

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        first = {label: place for place, label in enumerate(self.app_order)}
        return sorted(
            apps, key=lambda app: first.get(app["app_label"], len(self.app_order))
        )

    def index(self, request, extra_context=None):
        from articles.admin.home import desk_home

        return super().index(
            request, {"home": desk_home(request), **(extra_context or {})}
        )
