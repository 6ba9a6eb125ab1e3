from django.urls import path

from entities import views

app_name = "entities"

urlpatterns = [
    path("companies/<slug:slug>/", views.CompanyView.as_view(), name="company"),
    path("people/<slug:slug>/", views.PersonView.as_view(), name="person"),
    path("brands/<slug:slug>/", views.BrandView.as_view(), name="brand"),
]
