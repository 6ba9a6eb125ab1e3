import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles import media
from articles import views as article_views
from articles.sitemaps import SITEMAPS as STORY_SITEMAPS
from entities.sitemaps import EntitySitemap
from newsroom import views as site_views

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "The desk"

SITEMAPS = {**STORY_SITEMAPS, "entities": EntitySitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", article_views.news_sitemap, name="news_sitemap"),
    path("", include("api.urls")),
    path("", include("entities.urls")),
    path("", include("articles.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploads on this machine's disk: the app answers for them, with or
    # without DEBUG, and nginx (if in front) sends the bytes (articles/media.py).
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            media.serve_media,
            name="media",
        )
    )

handler400 = "newsroom.views.bad_request"
handler403 = "newsroom.views.permission_denied"
handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"
