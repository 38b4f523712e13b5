"""The project's URLs plus two that the access policy does not declare (for the test of the test)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def _view(request):
    return HttpResponse("should never be reached")


urlpatterns = [
    *project_urlpatterns,
    path("undeclared/", _view, name="undeclared_example"),
    path("unnamed/", _view),
]
