from django.contrib import admin, messages
from django.utils import timezone

from pinnacle.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline, TenantAdmin
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.mail.services import enqueue_delivery
from pinnacle.mail.tasks import deliver_message
from pinnacle.tenancy import record_audit


class DeliveryEventInline(ReadOnlyTenantInline):
    model = DeliveryEvent
    fields = ["occurred_at", "event_type", "reject_reason", "description", "mta_response"]
    readonly_fields = fields


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyTenantAdmin):
    list_display = [
        "created_at",
        "to_email",
        "subject",
        "template",
        "status",
        "attempts",
        "sent_at",
        "link_confirmed_at",
    ]
    list_filter = ["status", "category", "template"]
    search_fields = ["to_email", "subject", "idempotency_key", "esp_message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["partnership"]
    inlines = [DeliveryEventInline]
    actions = ["retry_now"]
    readonly_fields = [
        "idempotency_key",
        "template",
        "category",
        "from_email",
        "to_email",
        "reply_to",
        "subject",
        "body_text",
        "headers",
        "status",
        "status_reason",
        "status_changed_at",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "link_confirmed_at",
        "esp_message_id",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["to_email", "from_email", "reply_to", "subject", "body_text"]}),
        (
            "Delivery",
            {
                "fields": [
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "sent_at",
                    "esp_message_id",
                    "link_confirmed_at",
                ],
                "description": "\u201cOpened\u201d comes from the ESP and includes machine opens "
                "(e.g. Apple Mail Privacy Protection); a link counts as clicked only when a person "
                "confirmed it on our own page.",
            },
        ),
        ("Technical", {"fields": ["idempotency_key", "template", "category", "headers"]}),
    ]

    def has_change_permission(self, request, obj=None):
        # Read-only form, but the change permission is what admin actions require.
        return is_partnership_leadership(request)

    @admin.action(description="Retry failed messages now")
    def retry_now(self, request, queryset):
        failed = list(queryset.filter(status=OutboxMessage.Status.FAILED))
        for message in failed:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxMessage.Status.QUEUED,
                attempts=0,
                next_attempt_at=timezone.now(),
                claimed_at=None,
                claim_token=None,
            )
            record_audit(
                partnership=message.partnership,
                actor=request.user,
                action="mail.retried",
                target=message,
                summary=f"Retry of \u201c{message.subject}\u201d to {message.to_email}",
            )
            enqueue_delivery(deliver_message, message.pk)
        self.message_user(request, f"{len(failed)} message(s) queued again.", messages.SUCCESS)


@admin.register(Suppression)
class SuppressionAdmin(TenantAdmin):
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    fields = ["email", "reason"]

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)
        record_audit(
            partnership=obj.partnership,
            actor=request.user,
            action="mail.suppressed",
            target=obj,
            summary=f"{obj.email} suppressed by leadership",
        )

    def delete_model(self, request, obj):
        record_audit(
            partnership=obj.partnership,
            actor=request.user,
            action="mail.unsuppressed",
            summary=f"{obj.email} removed from the suppression list",
        )
        super().delete_model(request, obj)
