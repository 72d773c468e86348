"""Leadership's admin for the advocate CRM: the partnership's plan templates, their steps edited
in place (never added or removed: the 33-touch plan keeps 33 steps, the new contacts' plan 8).
Members' contacts are theirs alone and have no admin pages (leadership sees the circle only in
aggregate)."""

from django import forms
from django.contrib import admin

from advocates.models import PlanStep, PlanTemplate
from advocates.services.plans import validate_steps
from pinnacle.admin import TenantAdmin
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.refusals import refused_into

STEP_FIELDS = ("kind", "title", "day", "anchor", "is_email")


class StepFormSet(forms.BaseInlineFormSet):
    """The same rules as the plans page (advocates.services.plans.validate_steps)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            {"id": form.instance.pk, **{f: form.cleaned_data.get(f) for f in STEP_FIELDS}}
            for form in self.forms
        ]
        with refused_into(self):
            validate_steps(self.instance, rows)


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    formset = StepFormSet
    fields = STEP_FIELDS
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_change_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanTemplate)
class PlanTemplateAdmin(TenantAdmin):
    list_display = ["name", "kind", "length_days", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    fields = ["name", "kind", "length_days"]
    readonly_fields = ["kind", "length_days"]
    inlines = [PlanStepInline]

    def has_add_permission(self, request):
        return False  # every partnership has both plans from its first moment

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
