"""The site's URLs plus /_floor/: a constant response through the same
middleware, the yardstick the throughput benchmark measures pages against."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

FLOOR = b"<!doctype html><title>floor</title><p>A constant response.</p>"


def floor(request):
    return HttpResponse(FLOOR)


urlpatterns = [path("_floor/", floor), *site_urlpatterns]
