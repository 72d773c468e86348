from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from pinnacle import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("anymail/", include("pinnacle.mail.webhook_urls")),
    path("", include("pinnacle.mail.urls")),
    path("", include("members.urls")),
    path("", include("policy.urls")),
    path("", include("leads.urls")),
    path("", include("transactions.urls")),
    path("", include("outreach.urls")),
    path("", include("comarketing.urls")),
    path("", include("advocates.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded photos and logos. A large deployment puts these behind a CDN or object storage.
    urlpatterns += [
        re_path(
            r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"
        )
    ]
