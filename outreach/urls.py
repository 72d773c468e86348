from django.urls import path

from outreach import views

urlpatterns = [
    path("outreach/", views.my_outreach, name="my_outreach"),
    path("outreach/leads/<int:lead_pk>/write/", views.compose, name="outreach_compose"),
    path("outreach/leads/<int:lead_pk>/call/", views.log_call, name="outreach_log_call"),
    path(
        "outreach/leads/<int:lead_pk>/message/",
        views.log_personal_message,
        name="outreach_log_message",
    ),
    path("outreach/leads/<int:lead_pk>/replied/", views.log_reply, name="outreach_log_reply"),
    path("outreach/leads/<int:lead_pk>/recommend/", views.recommend, name="outreach_recommend"),
    path(
        "outreach/leads/<int:lead_pk>/decision/",
        views.decision_notes,
        name="outreach_decision_notes",
    ),
    path(
        "outreach/compliance/<int:member_pk>/",
        views.member_compliance,
        name="outreach_member_compliance",
    ),
    path("outreach/templates/", views.template_list, name="outreach_templates"),
    path("outreach/templates/new/", views.template_edit, name="outreach_template_new"),
    path("outreach/templates/<int:pk>/", views.template_edit, name="outreach_template_edit"),
    path(
        "outreach/templates/<int:pk>/delete/",
        views.template_delete,
        name="outreach_template_delete",
    ),
]
