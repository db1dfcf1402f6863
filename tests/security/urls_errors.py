"""The portal's URLs and three that fail, for the error pages' tests."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path


def refuse(request):
    raise PermissionDenied("a reason that must not be shown")


def missing(request):
    raise Http404("a detail that must not be shown")


def crash(request):
    raise RuntimeError("a bug that must not be shown")


urlpatterns = [
    path("errors/403/", refuse),
    path("errors/404/", missing),
    path("errors/500/", crash),
    path("", include("portal.urls")),
]
