from django.urls import path

from members.views import dashboard, governance, invitations, public

urlpatterns = [
    path("", public.home, name="home"),
    path("directory/", public.directory, name="directory"),
    path("directory/<slug:slug>/", public.directory_profile, name="directory_profile"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/profile/", dashboard.profile_edit, name="profile_edit"),
    path("invitations/", invitations.invitation_list, name="member_invitations"),
    path("invitations/<int:pk>/resend/", invitations.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path(
        "invitations/accept/<str:token>/",
        invitations.accept_invitation,
        name="accept_invitation",
    ),
    path("policy/", governance.policy, name="policy"),
    path("policy/versions/<int:number>/", governance.policy_version, name="policy_version"),
    path("policy/suggest/", governance.suggest, name="policy_suggest"),
    path("policy/suggestions/", governance.suggestions, name="policy_suggestions"),
    path(
        "policy/suggestions/<int:pk>/respond/",
        governance.suggestion_respond,
        name="policy_suggestion_respond",
    ),
    path("policy/report/", governance.report, name="policy_report"),
    path("policy/report/thanks/", governance.report_thanks, name="policy_report_thanks"),
    path("policy/reports/mine/", governance.my_reports, name="policy_my_reports"),
    path("policy/reports/", governance.reports, name="policy_reports"),
    path("policy/reports/<int:pk>/", governance.report_detail, name="policy_report_detail"),
    path("policy/revisions/", governance.revisions, name="policy_revisions"),
    path("policy/revisions/new/", governance.revision_new, name="policy_revision_new"),
    path("policy/revisions/<int:pk>/", governance.revision_detail, name="policy_revision_detail"),
    path("policy/revisions/<int:pk>/vote/", governance.revision_vote, name="policy_revision_vote"),
    path("policy/revisions/<int:pk>/open/", governance.revision_open, name="policy_revision_open"),
]
