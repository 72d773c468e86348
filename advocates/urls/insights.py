from django.urls import path

from advocates.views import insights

urlpatterns = [
    path("experiments/", insights.experiment_list, name="advocates_experiments"),
    path("experiments/new/", insights.experiment_new, name="advocates_experiment_new"),
    path("experiments/<int:pk>/", insights.experiment_detail, name="advocates_experiment"),
    path(
        "experiments/<int:pk>/feedback/",
        insights.experiment_feedback,
        name="advocates_experiment_feedback",
    ),
    path("experiments/<int:pk>/end/", insights.experiment_end, name="advocates_experiment_end"),
    path("satisfaction/", insights.satisfaction, name="advocates_satisfaction"),
    path("satisfaction/send/", insights.satisfaction_send, name="advocates_satisfaction_send"),
    path("contacts/<int:pk>/survey/", insights.contact_survey, name="advocates_contact_survey"),
]
