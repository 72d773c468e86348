from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from pinnacle import views
from pinnacle.telemetry.views import metrics

# The policy's models moved from the members app to their own; breach-report emails sent before
# the move link to their old admin pages, which keep leading to the new ones.
MOVED_TO_POLICY = (
    "policyversion",
    "policysuggestion",
    "breachreport",
    "policyrevision",
    "policyvote",
)


def moved(old: str, new: str) -> list:
    """Permanent redirects from the pages under `old` to the same pages under `new`."""
    return [
        path(old, RedirectView.as_view(url=new, permanent=True, query_string=True)),
        path(
            f"{old}<path:rest>",
            RedirectView.as_view(url=f"{new}%(rest)s", permanent=True, query_string=True),
        ),
    ]


# With DEBUG off: a plain page, and a 503 while the database is unreachable (pinnacle.views).
handler500 = "pinnacle.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    *(
        pattern
        for model in MOVED_TO_POLICY
        for pattern in moved(f"admin/members/{model}/", f"/admin/policy/{model}/")
    ),
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
