"""Outreach pages for members: writing to a lead, logging attempts and replies, cross-selling,
decision notes, and their own templates. Thin: parse with a form, call a service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from leads.forms import CompliancePeriodForm
from leads.selectors.lists import lead_for
from members.auth import leadership_required, member_required
from members.models import Member
from members.selectors import listed_members
from outreach import services
from outreach.forms import (
    CallForm,
    ComposeForm,
    DecisionNoteForm,
    LeadReplyForm,
    PersonalMessageForm,
    RecommendForm,
    TemplateForm,
)
from outreach.models import Channel, Template
from outreach.selectors import compliance, lead_outreach
from outreach.selectors.policy import pair_states
from pinnacle.mail.services import preview_email
from pinnacle.refusals import refused_into

OUTREACH_PER_PAGE = 25


@member_required
def my_outreach(request):
    member = request.member
    page = Paginator(lead_outreach.my_outreach(member), OUTREACH_PER_PAGE).get_page(
        request.GET.get("page")
    )
    leads = [_Row(row) for row in page.object_list]
    states = pair_states(member, leads, timezone.now())
    for row in leads:
        row.state = states[row.pk]
    return render(
        request,
        "outreach/my_outreach.html",
        {
            "page": page,
            "rows": leads,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "template_count": Template.objects.for_partnership(request.partnership)
            .filter(member=member)
            .count(),
        },
    )


class _Row:
    """A lead as `pair_states` needs it (pk, name, email), from the aggregated outreach row."""

    def __init__(self, row: dict):
        self.pk = row["lead_id"]
        self.name = row["lead__name"]
        self.email = row["lead__email"]
        self.attempts = row["attempts"]
        self.last_at = row["last_at"]


@member_required
def compose(request, lead_pk):
    member = request.member
    lead = lead_for(request.member, lead_pk)
    stage = lead_outreach.lead_stage(lead, member)
    templates = lead_outreach.templates_for(member, stage)
    form = ComposeForm(request.POST or None, templates=templates)
    preview = None
    status = 200
    if not request.POST and (chosen := request.GET.get("template")):
        template = next((t for t in templates if str(t.pk) == chosen), None)
        if template is not None:
            form = ComposeForm(
                initial={
                    "template": template.pk,
                    "subject": template.subject,
                    "body": template.body,
                },
                templates=templates,
            )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refused_into(form) as composing:
                services.check_personal(member=member, body=data["body"], template=data["template"])
                if request.POST.get("action") == "send":
                    services.send_message(
                        member=member,
                        lead=lead,
                        subject=data["subject"],
                        body=data["body"],
                        template=data["template"],
                        actor=request.user,
                    )
                    messages.success(request, f"Your message to {lead.name} is on its way.")
                    return redirect(lead)
                preview = _preview(member, lead, data["subject"], data["body"])
            if composing.refused:
                status = 400
        else:
            status = 400
    decision = services.may_attempt(member=member, lead=lead, channel=Channel.PORTAL_EMAIL)
    return render(
        request,
        "outreach/compose.html",
        {
            "lead": lead,
            "form": form,
            "stage": stage,
            "preview": preview,
            "decision": decision,
            "member": member,
            "templates": templates,
            "chosen_template": request.GET.get("template", ""),
        },
        status=status,
    )


def _preview(member: Member, lead, subject: str, body: str):
    """The email exactly as the pipeline will render it (only the opt-out token differs)."""
    return preview_email(
        partnership=lead.partnership,
        template=services.MESSAGE_TEMPLATE,
        to=lead.email,
        context=services.message_context(member=member, lead=lead, subject=subject, body=body),
        sender_name=member.display_name,
        reply_to=member.email,
    )


def _lead_action(request, lead_pk, form_class, act, success: str):
    """POST-only lead actions: validate, call the service, say what happened on the lead page."""
    lead = lead_for(request.member, lead_pk)
    form = form_class(request.POST)
    if not form.is_valid():
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, f"Nothing was recorded: {problems}")
        return redirect(lead)
    with refused_into(request, prefix="Not recorded. ") as acting:
        act(lead, form.cleaned_data)
    if not acting.refused:
        messages.success(request, success.format(lead=lead.name))
    return redirect(lead)


@require_POST
@member_required
def log_call(request, lead_pk):
    def act(lead, data):
        services.log_call(
            member=request.member,
            lead=lead,
            outcome=data["outcome"],
            note=data["note"],
            actor=request.user,
        )

    return _lead_action(request, lead_pk, CallForm, act, "Your call to {lead} is logged.")


@require_POST
@member_required
def log_personal_message(request, lead_pk):
    def act(lead, data):
        services.log_personal_message(
            member=request.member,
            lead=lead,
            channel=data["channel"],
            note=data["note"],
            actor=request.user,
        )

    return _lead_action(
        request, lead_pk, PersonalMessageForm, act, "Your message to {lead} is logged."
    )


@require_POST
@member_required
def log_reply(request, lead_pk):
    def act(lead, data):
        services.log_lead_reply(
            member=request.member, lead=lead, note=data["note"], actor=request.user
        )

    return _lead_action(
        request, lead_pk, LeadReplyForm, act, "Recorded: {lead} replied to you. Contact is made."
    )


@require_POST
@member_required
def decision_notes(request, lead_pk):
    def act(lead, data):
        services.record_decision_notes(member=request.member, lead=lead, **data)

    return _lead_action(
        request,
        lead_pk,
        DecisionNoteForm,
        act,
        "Their decision process and your feedback are on {lead}\u2019s timeline.",
    )


@member_required
def recommend(request, lead_pk):
    member = request.member
    lead = lead_for(request.member, lead_pk)
    colleagues = (
        listed_members(partnership=request.partnership)
        .exclude(pk=member.pk)
        .order_by("display_name")
    )
    form = RecommendForm(request.POST or None, members=colleagues)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refused_into(form) as recommending:
                services.recommend_members(
                    member=member,
                    lead=lead,
                    recommended=list(form.cleaned_data["recommended"]),
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            if not recommending.refused:
                names = ", ".join(m.display_name for m in form.cleaned_data["recommended"])
                messages.success(request, f"{lead.name} received your recommendation of {names}.")
                return redirect(lead)
        status = 400
    decision = services.may_attempt(member=member, lead=lead, channel=Channel.PORTAL_EMAIL)
    return render(
        request,
        "outreach/recommend.html",
        {"lead": lead, "form": form, "decision": decision},
        status=status,
    )


# --- The member's own templates ----------------------------------------------------------------


@member_required
def template_list(request):
    templates = (
        Template.objects.for_partnership(request.partnership)
        .filter(member=request.member)
        .order_by("name")
    )
    return render(request, "outreach/template_list.html", {"templates": templates})


@member_required
def template_edit(request, pk=None):
    member = request.member
    template = lead_outreach.template_for(member, pk) if pk is not None else None
    initial = (
        {
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "stages": template.stages,
        }
        if template
        else None
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refused_into(form, field="name") as saving:
            saved = services.save_template(member=member, template=template, **form.cleaned_data)
        if not saving.refused:
            messages.success(request, f"Template \u201c{saved.name}\u201d saved.")
            return redirect("outreach_templates")
    return render(
        request,
        "outreach/template_form.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )


@member_required
def template_delete(request, pk):
    template = lead_outreach.template_for(request.member, pk)
    if request.method == "POST":
        services.delete_template(member=request.member, template=template)
        messages.success(request, f"Template \u201c{template.name}\u201d deleted.")
        return redirect("outreach_templates")
    return render(request, "outreach/template_delete.html", {"template": template})


# --- Leadership: one member's outreach in the compliance period -------------------------------


@leadership_required
def member_compliance(request, member_pk):
    member = lead_outreach.member_for(request.member, member_pk)
    form = CompliancePeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Choose the period on the compliance report first.")
        return redirect("response_compliance")
    period = form.cleaned_data
    found = compliance.member_drilldown(member, **period)
    page = Paginator(found["attempts"], OUTREACH_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/member_compliance.html",
        {"member": member, "period": period, "page": page, **found},
    )
