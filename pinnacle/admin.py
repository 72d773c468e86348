from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import format_html

from pinnacle.admin_site import is_partnership_leadership
from pinnacle.models import POLICY_FIELDS, AuditEvent, Partnership
from pinnacle.public_pages import public_pages_changed
from pinnacle.services import create_partnership


class TenantForm(forms.ModelForm):
    """A model form that knows the partnership its row belongs to (set per request by the admin).

    Leadership's forms have no partnership field, which would make Django skip every
    per-partnership unique check; the row gets its partnership before model validation instead,
    so a clash is a form error rather than a database error.
    """

    tenant = None

    def row_partnership(self):
        chosen = getattr(self, "cleaned_data", {}).get("partnership")
        if chosen is not None:
            return chosen
        if self.instance.partnership_id:
            return self.instance.partnership
        return self.tenant

    def _post_clean(self):
        if not self.instance.partnership_id and (partnership := self.row_partnership()):
            self.instance.partnership = partnership
        super()._post_clean()

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.partnership_id:
            exclude.discard("partnership")
        return exclude


class TenantChangeList(ChangeList):
    def get_filters(self, request):
        # A date_hierarchy year near 9999 in the URL makes Django step past the calendar's end:
        # answer it as the admin answers any lookup it cannot use, not with a server error.
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class TenantAdmin(admin.ModelAdmin):
    """Leadership staff see and edit only their own partnership's rows; superusers see all."""

    form = TenantForm

    def get_changelist(self, request, **kwargs):
        return TenantChangeList

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.tenant = request.partnership  # get_form builds a new class per call
        return form

    def has_module_permission(self, request):
        return is_partnership_leadership(request)

    def has_view_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_add_permission(self, request):
        return is_partnership_leadership(request)

    def has_change_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_delete_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(partnership=request.partnership)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append("partnership")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:
            filters.append("partnership")
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser and any(
            f.name == "partnership" for f in related._meta.get_fields()
        ):
            kwargs["queryset"] = related._default_manager.filter(partnership=request.partnership)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not obj.partnership_id:
            obj.partnership = request.partnership
        super().save_model(request, obj, form, change)


class ReadOnlyTenantInline(admin.TabularInline):
    """Rows shown under their parent for leadership (who hold no Django model permissions)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTenantAdmin(TenantAdmin):
    """Records nobody edits by hand (audit trail, email events)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "website_url"]
    search_fields = ["name", "slug", "domain"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "domain",
                    "timezone",
                    "website_url",
                    "seal",
                    "reply_from_email",
                ]
            },
        ),
        (
            "Engagement policy",
            {
                "fields": [
                    "intro_statement",
                    "cold_attempts_per_week",
                    "cease_after_attempts",
                    "cease_window_days",
                    "inquiry_reply_hours",
                    "acknowledgement_follow_up_days",
                    "post_close_meeting_days",
                    "thank_you_letter_days",
                    "comarketing_first_reminder_days",
                    "comarketing_second_reminder_days",
                    "policy_majority_of",
                ],
            },
        ),
        ("Reminders", {"fields": ["inquiry_reminder_hours_before"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        note = format_html(
            "The policy\u2019s statement and numbers change only through a revision approved "
            'by the members\u2019 vote: see <a href="{}">policy revisions</a>. They are set '
            "here only when a partnership is added.",
            reverse("policy_revisions"),
        )
        return [
            (name, {**options, "description": note})
            if name == "Engagement policy"
            else (name, options)
            for name, options in fieldsets
        ]

    def _own(self, request, obj) -> bool:
        # The admin asks this of anonymous visitors too (its login page lists the apps).
        if not is_partnership_leadership(request):
            return False
        return request.user.is_superuser or obj is None or obj == request.partnership

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk=request.partnership.pk)

    def has_module_permission(self, request):
        return self._own(request, None)

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            public_pages_changed(obj)  # its name, seal, website and statement are on every page
        else:
            create_partnership(partnership=obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = [] if request.user.is_superuser else ["slug", "domain"]
        if obj is not None:
            # policy: the policy's numbers change only by an approved revision, for everyone
            # (superusers too); policy.services.revisions applies them when a vote approves them.
            readonly += POLICY_FIELDS
        return readonly


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "actor__email", "action"]
    date_hierarchy = "created_at"
