from django.urls import path

from advocates.views import contacts

urlpatterns = [
    path("", contacts.circle, name="advocates"),
]
