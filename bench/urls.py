"""The portal's URLs and the benchmark's reference: a fixed response through the full middleware."""

from django.http import HttpResponse
from django.urls import path

from pinnacle.urls import urlpatterns as portal


def reference(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/reference", reference), *portal]
