from django.urls import path, re_path

from entities import views

app_name = "entities"

KINDS = "companies|people|brands"

urlpatterns = [
    path("companies/<slug:slug>/", views.CompanyView.as_view(), name="company"),
    path("people/<slug:slug>/", views.PersonView.as_view(), name="person"),
    path("brands/<slug:slug>/", views.BrandView.as_view(), name="brand"),
    re_path(
        rf"^(?P<kind>{KINDS})/(?P<slug>[-\w]+)/with/(?P<other_kind>{KINDS})/"
        r"(?P<other_slug>[-\w]+)/$",
        views.CoMentionView.as_view(),
        name="co_mentions",
    ),
]
