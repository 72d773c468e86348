from django.urls import path

from members.views import dashboard, public

urlpatterns = [
    path("", public.home, name="home"),
    path("directory/", public.directory, name="directory"),
    path("directory/<slug:slug>/", public.directory_profile, name="directory_profile"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
