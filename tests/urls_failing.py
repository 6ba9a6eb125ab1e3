"""The site's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from newsroom.urls import handler400, handler403, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("A bug, on purpose.")


urlpatterns = [path("boom/", fail), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
