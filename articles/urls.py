from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from articles import feeds, views
from entities import feeds as entity_feeds


class TagSlugConverter(SlugConverter):
    """Tag slugs are ASCII now (TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING), but
    tags saved before kept letters such as "š": their pages stay reachable."""

    regex = r"[-\w]+"


register_converter(TagSlugConverter, "tag_slug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/latest/", feeds.LatestStoriesFeed(), name="feed_latest"),
    path("feeds/latest/atom/", feeds.LatestStoriesAtomFeed(), name="feed_latest_atom"),
    *[
        route
        for prefix, feed in [
            ("sections", feeds.SectionFeed),
            ("tags", feeds.TagFeed),
            ("authors", feeds.AuthorFeed),
            ("companies", entity_feeds.CompanyFeed),
            ("people", entity_feeds.PersonFeed),
            ("brands", entity_feeds.BrandFeed),
        ]
        for slug in ["tag_slug" if prefix == "tags" else "slug"]
        for route in (
            path(f"feeds/{prefix}/<{slug}:slug>/", feed(), name=f"feed_{prefix}"),
            path(
                f"feeds/{prefix}/<{slug}:slug>/atom/",
                feeds.atom(feed)(),
                name=f"feed_{prefix}_atom",
            ),
        )
    ],
    path("stories/<slug:slug>/", views.article_detail, name="article"),
    path(
        "stories/<slug:slug>/corrections/<int:pk>/",
        views.correction_detail,
        name="correction",
    ),
    path("preview/<str:token>/", views.preview_link, name="preview"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<tag_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
]
