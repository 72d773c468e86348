from django.urls import path

from comarketing import media_views, views

urlpatterns = [
    path("comarketing/", views.menu, name="comarketing"),
    path("comarketing/invite/", views.invite, name="comarketing_invite"),
    path("comarketing/<int:pk>/", views.detail, name="comarketing_detail"),
    path("comarketing/<int:pk>/edit/", views.edit, name="comarketing_edit"),
    path("comarketing/share/<int:lead_pk>/", views.share_lead, name="comarketing_share_lead"),
    path("comarketing/<int:pk>/resend/", views.resend, name="comarketing_resend"),
    path("comarketing/<int:pk>/delete/", views.delete, name="comarketing_delete"),
    path("comarketing/join/<str:token>/", views.join, name="comarketing_join"),
    path("comarketing/join/<str:token>/seen/", views.join_seen, name="comarketing_join_seen"),
    path("comarketing/join/<str:token>/accept/", views.accept, name="comarketing_accept"),
    path("comarketing/<int:pk>/media/new/", media_views.create, name="comarketing_media_create"),
    path("comarketing/media/<int:pk>/edit/", media_views.edit, name="comarketing_media_edit"),
    path("comarketing/media/<int:pk>/delete/", media_views.delete, name="comarketing_media_delete"),
    path("comarketing/media/<int:pk>/flyer.pdf", media_views.flyer, name="comarketing_media_flyer"),
    # Public, on the partnership's host: a property site or capture page, and its form alone.
    path("m/<slug:slug>/", media_views.page, name="comarketing_media_page"),
    path("m/<slug:slug>/embed/", media_views.embed, name="comarketing_media_embed"),
]
