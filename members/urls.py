from django.urls import path

from members import views

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:slug>/", views.directory_profile, name="directory_profile"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
