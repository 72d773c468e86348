from django.contrib import admin


class PinnacleAdminSite(admin.AdminSite):
    """Admin for superusers (everything) and leadership staff (their partnership only)."""

    site_header = "Pinnacle portal administration"
    site_title = "Pinnacle admin"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or user.is_leadership_of(getattr(request, "partnership", None))

    def each_context(self, request):
        context = super().each_context(request)
        partnership = getattr(request, "partnership", None)
        if partnership is not None:
            context["site_header"] = f"{partnership.name} \u2014 leadership"
        return context
