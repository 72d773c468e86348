"""Admin for invitations. Invitations created here go through `invite_member` like everywhere
else, so the email is queued with the invitation."""

from __future__ import annotations

from django.contrib import admin, messages

from members import services
from members.models import Invitation
from pinnacle.admin import TenantAdmin, TenantForm
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.selectors import latest_email_status
from pinnacle.refusals import refused_into


class InvitationForm(TenantForm):
    class Meta:
        model = Invitation
        fields = [
            "partnership",
            "email",
            "display_name",
            "kind",
            "service_category",
            "role",
            "company",
        ]

    def clean_email(self) -> str:
        return services.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        partnership, email = self.row_partnership(), cleaned.get("email")
        company = cleaned.get("company")
        if partnership and company and company.partnership_id != partnership.pk:
            self.add_error("company", "Choose a company of the same partnership.")
        if partnership is not None and email:
            with refused_into(self):
                services.check_can_invite(partnership=partnership, email=email)
        return cleaned

    def validate_unique(self):
        # invite_member owns the "one pending invitation per address" rule (it renews expired ones).
        return None


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    form = InvitationForm
    list_display = [
        "email",
        "display_name",
        "role",
        "kind",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
        "email_status",
    ]
    list_filter = ["status", "role", "kind"]
    search_fields = ["email", "display_name"]
    list_select_related = ["invited_by"]
    date_hierarchy = "created_at"
    actions = ["resend_invitations", "revoke_invitations"]
    add_fields = ["email", "display_name", "kind", "service_category", "role", "company"]
    detail_fields = [
        "email",
        "display_name",
        "kind",
        "service_category",
        "role",
        "company",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "member",
        "email_status",
    ]

    def get_fields(self, request, obj=None):
        fields = self.add_fields if obj is None else self.detail_fields
        return ["partnership", *fields] if request.user.is_superuser else list(fields)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Invitation rows are not edited by hand: resend or revoke them with the actions.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(latest_email_status=latest_email_status(Invitation))
        )

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        if obj.is_expired:
            return "Expired"
        return obj.get_status_display()

    @admin.display(description="email delivery")
    def email_status(self, obj):
        status = getattr(obj, "latest_email_status", None)
        return OutboxMessage.Status(status).label if status else "Not sent"

    def save_model(self, request, obj, form, change):
        invitation = services.invite_member(
            partnership=obj.partnership if obj.partnership_id else request.partnership,
            invited_by=request.user,
            email=obj.email,
            display_name=obj.display_name,
            kind=obj.kind,
            service_category=obj.service_category,
            role=obj.role,
            company=obj.company,
        )
        # The admin goes on to log and redirect to this object: make it the saved row.
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invitation, field.attname))
        obj._state.adding = False
        messages.success(request, f"Invitation email queued for {invitation.email}.")

    @admin.action(description="Resend the invitation email")
    def resend_invitations(self, request, queryset):
        self._apply(request, queryset, services.resend_invitation, "Resent")

    @admin.action(description="Revoke the selected invitations")
    def revoke_invitations(self, request, queryset):
        self._apply(request, queryset, services.revoke_invitation, "Revoked")

    def _apply(self, request, queryset, service, verb: str) -> None:
        done = 0
        for invitation in queryset.select_related("partnership"):
            with refused_into(
                request, level=messages.WARNING, prefix=f"{invitation.email}: "
            ) as applying:
                service(invitation=invitation, actor=request.user)
            if not applying.refused:
                done += 1
        if done:
            self.message_user(request, f"{verb} {done} invitation(s).", messages.SUCCESS)
