"""The project's URLs plus ``/bench/bare``: the cheapest Django view there is, through the
same middleware, as the yardstick for the registration POST."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fangkong.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *project_urlpatterns]
