from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from pinnacle.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline, TenantAdmin, TenantForm
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.mail import categories, services
from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.refusals import attempt


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

    def get_queryset(self, request):
        # A member's private mail (their inner circle's) is not leadership's to read.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(categories.private_templates())

    @admin.action(description="Retry failed messages now")
    def retry_now(self, request, queryset):
        retried, refusals = 0, []
        for message in queryset:
            if refused := attempt(services.retry_message, message=message, actor=request.user):
                refusals.append(refused.message)
            else:
                retried += 1
        if retried:
            self.message_user(request, f"{retried} message(s) queued again.", messages.SUCCESS)
        if len(refusals) == 1:
            self.message_user(request, refusals[0], messages.WARNING)
        elif refusals:
            self.message_user(
                request,
                f"{len(refusals)} of the selected messages had not failed and were left as they "
                "are; only failed messages are retried.",
                messages.WARNING,
            )


class RecordOptOutForm(TenantForm):
    """Leadership adds an address to the list: an opt-out the lead gave them directly."""

    class Meta:
        model = Suppression
        fields = ["email", "received_via", "note"]
        help_texts = {"note": "What the lead said, and anything a member should know."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_via"].required = True


@admin.register(Suppression)
class SuppressionAdmin(TenantAdmin):
    """Leadership adds an address to the list or lifts it; an entry is never edited in place."""

    list_display = ["email", "reason", "source", "received_via", "created_at"]
    list_filter = ["reason", "source"]
    search_fields = ["email"]
    add_form = RecordOptOutForm
    readonly_fields = ["reason", "source", "source_message", "source_message_shown", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "received_via", "note"]
        # Leadership reads the source message's subject unless it was a member's private mail.
        source = "source_message" if request.user.is_superuser else "source_message_shown"
        return ["email", "reason", "source", "received_via", "note", source, "created_at"]

    @admin.display(description="Source message")
    def source_message_shown(self, obj):
        message = obj.source_message
        if message is None:
            return "-"
        if categories.is_private_template(message.template):
            return "A member's own message to a contact"
        url = reverse(f"{self.admin_site.name}:mail_outboxmessage_change", args=[message.pk])
        return format_html('<a href="{}">{}</a>', url, message)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        suppression = services.record_opt_out(
            partnership=obj.partnership if obj.partnership_id else request.partnership,
            email=obj.email,
            how=obj.received_via,
            note=obj.note,
            actor=request.user,
        )
        # The admin goes on to log and redirect to this object: make it the saved row.
        for field in Suppression._meta.concrete_fields:
            setattr(obj, field.attname, getattr(suppression, field.attname))
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.lift_suppression(suppression=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for suppression in queryset:
            services.lift_suppression(suppression=suppression, actor=request.user)
