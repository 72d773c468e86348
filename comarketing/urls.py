from django.urls import path

from comarketing.views import connections, joining, media

urlpatterns = [
    path("comarketing/", connections.menu, name="comarketing"),
    path("comarketing/invite/", connections.invite, name="comarketing_invite"),
    path("comarketing/<int:pk>/", connections.detail, name="comarketing_detail"),
    path("comarketing/<int:pk>/edit/", connections.edit, name="comarketing_edit"),
    path("comarketing/share/<int:lead_pk>/", connections.share_lead, name="comarketing_share_lead"),
    path("comarketing/<int:pk>/resend/", connections.resend, name="comarketing_resend"),
    path("comarketing/<int:pk>/delete/", connections.delete, name="comarketing_delete"),
    path("comarketing/join/<str:token>/", joining.join, name="comarketing_join"),
    path("comarketing/join/<str:token>/seen/", joining.join_seen, name="comarketing_join_seen"),
    path("comarketing/join/<str:token>/accept/", joining.accept, name="comarketing_accept"),
    path("comarketing/<int:pk>/media/new/", media.create, name="comarketing_media_create"),
    path("comarketing/media/<int:pk>/edit/", media.edit, name="comarketing_media_edit"),
    path("comarketing/media/<int:pk>/delete/", media.delete, name="comarketing_media_delete"),
    path("comarketing/media/<int:pk>/flyer.pdf", media.flyer, name="comarketing_media_flyer"),
    # Public, on the partnership's host: a property site or capture page, and its form alone.
    path("m/<slug:slug>/", media.page, name="comarketing_media_page"),
    path("m/<slug:slug>/embed/", media.embed, name="comarketing_media_embed"),
]
