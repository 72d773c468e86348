"""The portal's URLs and the benchmark's two yardsticks: the reference, a fixed response through
the full middleware, and the floor, an empty page of the site's layout for a signed-in member
(what every member page costs before its own content)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from members.auth import member_required
from pinnacle.urls import urlpatterns as portal


def reference(request):
    return HttpResponse("ok", content_type="text/plain")


@member_required
def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/reference", reference), path("bench/floor", floor), *portal]
