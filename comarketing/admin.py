"""Leadership sees every co-marketing connection in its partnership, as the services left it;
invitations, acceptance and deletion go through the co-marketing pages."""

from django.contrib import admin

from comarketing.models import Connection, Media, SharedLead
from pinnacle.admin import ReadOnlyTenantAdmin


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyTenantAdmin):
    list_display = [
        "email",
        "lender",
        "partner",
        "status",
        "invited_at",
        "accepted_at",
        "deleted_at",
    ]
    list_filter = ["status", ("deleted_at", admin.EmptyFieldListFilter), "invited_at"]
    search_fields = ["email", "lender__display_name", "partner__display_name"]
    list_select_related = ["lender", "partner"]
    date_hierarchy = "invited_at"
    exclude = ["token"]


@admin.register(SharedLead)
class SharedLeadAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "lead", "shared_by", "shared_with", "media"]
    search_fields = ["lead__name", "lead__email", "shared_by__display_name"]
    list_select_related = ["lead", "shared_by", "shared_with", "media"]


@admin.register(Media)
class MediaAdmin(ReadOnlyTenantAdmin):
    list_display = ["title", "kind", "owner", "is_published", "created_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "slug", "owner__display_name"]
    list_select_related = ["owner"]
