from django.contrib import admin


def is_partnership_leadership(request) -> bool:
    """Who may use the admin on this host: superusers, and active leadership of its partnership."""
    user = request.user
    return user.is_active and user.is_leadership_of(getattr(request, "partnership", None))


class PinnacleAdminSite(admin.AdminSite):
    """Admin for superusers (everything) and leadership staff (their partnership only)."""

    site_header = "Pinnacle portal administration"
    site_title = "Pinnacle admin"

    def has_permission(self, request):
        return request.user.is_staff and is_partnership_leadership(request)

    def each_context(self, request):
        context = super().each_context(request)
        partnership = getattr(request, "partnership", None)
        if partnership is not None:
            context["site_header"] = f"{partnership.name} \u2014 leadership"
        return context
