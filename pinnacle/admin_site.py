from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _

from pinnacle.membership import request_membership


def is_partnership_leadership(request) -> bool:
    """Who may use the admin on this host: superusers, and active leadership of its partnership.

    Anonymous visitors are never active, so this is safe to ask before anyone logs in.
    """
    user = request.user
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    membership = request_membership(request)
    return membership is not None and membership.is_leadership


def _tenant_model(content_type_id):
    """The model behind a content type id when its rows belong to a partnership, else None."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (ContentType.DoesNotExist, ValueError):
        return None
    if model is None or "partnership" not in {f.name for f in model._meta.get_fields()}:
        return None
    return model


class PinnacleAdminSite(admin.AdminSite):
    """Admin for superusers (everything) and leadership staff (their partnership only)."""

    site_header = "Pinnacle portal administration"
    site_title = "Pinnacle admin"
    index_template = "admin/pinnacle_index.html"

    def has_permission(self, request):
        return request.user.is_staff and is_partnership_leadership(request)

    def each_context(self, request):
        context = super().each_context(request)
        partnership = getattr(request, "partnership", None)
        if partnership is not None:
            context["site_header"] = f"{partnership.name} \u2014 leadership"
        return context

    def get_urls(self):
        # Django's "view on site" redirect finds a row in any partnership; ours replaces it.
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        # A person's data on request (pinnacle/privacy): leadership's export and erasure.
        personal_data = path(
            "personal-data/",
            self.admin_view(self.personal_data),
            name="personal_data",
        )
        return [scoped, personal_data, *urls]

    def personal_data(self, request):
        from pinnacle.privacy.views import personal_data

        return personal_data(request, self)

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut, where another partnership's row is as missing as no row at all."""
        model = _tenant_model(content_type_id)
        if model is not None and not request.user.is_superuser:
            rows = model._default_manager.filter(partnership=request.partnership)
            try:
                here = rows.filter(pk=object_id).exists()
            except (ValueError, TypeError):
                here = False
            if not here:
                # Django's own wording for a missing object, so the two cannot be told apart.
                raise Http404(
                    _("Content type %(ct_id)s object %(obj_id)s doesn\u2019t exist")
                    % {"ct_id": content_type_id, "obj_id": object_id}
                )
        return shortcut(request, content_type_id, object_id)
