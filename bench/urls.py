"""The project's URLs plus a bare view: the floor of a page, same middleware stack, no query, no template."""

from django.http import HttpResponse
from django.urls import include, path


def nu(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/nu/", nu, name="bench-nu"), path("", include("config.urls"))]
