from django.urls import path

from advocates.views import public

urlpatterns = [
    path("survey/<str:token>/", public.survey, name="satisfaction_survey"),
]
