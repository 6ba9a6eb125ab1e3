from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("api/", views.human_page, name="index"),
    path("api/v1/", views.ApiRoot.as_view(), name="root"),
    path("api/v1/stories/", views.StoryList.as_view(), name="stories"),
    path("api/v1/stories/<slug:slug>/", views.StoryDetail.as_view(), name="story"),
    path("api/v1/changes/", views.ChangeList.as_view(), name="changes"),
    path("api/v1/sections/", views.SectionList.as_view(), name="sections"),
    path("api/v1/tags/", views.TagList.as_view(), name="tags"),
    path("api/v1/authors/", views.AuthorList.as_view(), name="authors"),
    path("api/v1/authors/<slug:slug>/", views.AuthorDetail.as_view(), name="author"),
    path(
        "api/v1/schema/",
        SpectacularAPIView.as_view(api_version="v1"),
        name="schema",
    ),
]
for kind, plural in (
    ("company", "companies"),
    ("person", "people"),
    ("brand", "brands"),
):
    urlpatterns += [
        path(
            f"api/v1/{plural}/",
            views.EntityList.as_view(kind=kind),
            name=plural,
        ),
        path(
            f"api/v1/{plural}/<slug:slug>/",
            views.EntityDetail.as_view(kind=kind),
            name=kind,
        ),
    ]
