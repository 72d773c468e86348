"""`/advocates/…`: one module per part of the CRM, each with its own views."""

from django.urls import include, path

urlpatterns = [
    path("advocates/", include("advocates.urls.contacts")),
    path("advocates/", include("advocates.urls.plans")),
    path("advocates/", include("advocates.urls.referrals")),
    path("advocates/", include("advocates.urls.insights")),
    # Public, on the partnership's host: a client's satisfaction survey by signed link.
    path("", include("advocates.urls.public")),
]
