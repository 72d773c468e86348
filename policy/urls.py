from django.urls import path

from policy.views import document, feedback, revisions

urlpatterns = [
    path("policy/", document.policy, name="policy"),
    path("policy/versions/<int:number>/", document.policy_version, name="policy_version"),
    path("policy/suggest/", feedback.suggest, name="policy_suggest"),
    path("policy/suggestions/", feedback.suggestions, name="policy_suggestions"),
    path(
        "policy/suggestions/<int:pk>/respond/",
        feedback.suggestion_respond,
        name="policy_suggestion_respond",
    ),
    path("policy/report/", feedback.report, name="policy_report"),
    path("policy/report/thanks/", feedback.report_thanks, name="policy_report_thanks"),
    path("policy/reports/mine/", feedback.my_reports, name="policy_my_reports"),
    path("policy/reports/", feedback.reports, name="policy_reports"),
    path("policy/reports/<int:pk>/", feedback.report_detail, name="policy_report_detail"),
    path("policy/revisions/", revisions.revisions, name="policy_revisions"),
    path("policy/revisions/new/", revisions.revision_new, name="policy_revision_new"),
    path("policy/revisions/<int:pk>/", revisions.revision_detail, name="policy_revision_detail"),
    path("policy/revisions/<int:pk>/vote/", revisions.revision_vote, name="policy_revision_vote"),
    path("policy/revisions/<int:pk>/open/", revisions.revision_open, name="policy_revision_open"),
]
