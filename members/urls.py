from django.urls import path

from members.views import dashboard, invitations, public

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
]
