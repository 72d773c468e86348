"""Critique and suggestions, and breach reports (sent by anyone, read by leadership; a member
follows the status of their own).

Thin views: each parses a form, calls a service from `policy.services.feedback`, and shows its
refusal as the form's error."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from members.auth import leadership_required, member_required
from pinnacle.membership import request_membership
from pinnacle.public_forms import handle_public_post
from pinnacle.refusals import refused_into
from policy import selectors
from policy.forms import (
    BreachReportForm,
    BreachUpdateForm,
    SuggestionForm,
    SuggestionResponseForm,
    VisitorBreachReportForm,
)
from policy.models import BreachReport, PolicySuggestion
from policy.services import feedback
from policy.views.common import page_of

# --- Critique and suggestions ------------------------------------------------------------------


@member_required
def suggest(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as suggesting:
            feedback.submit_suggestion(member=request.member, **form.cleaned_data)
        if not suggesting.refused:
            messages.success(
                request, "Thank you. Leadership has your message and will answer it here."
            )
            return redirect("policy_suggestions")
    return render(
        request,
        "policy/suggest.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@member_required
def suggestions(request):
    member = request.member
    status = request.GET.get("status", "")
    page, page_range = page_of(request, selectors.suggestions_for(member, status))
    return render(
        request,
        "policy/suggestions.html",
        {
            "member": member,
            "page": page,
            "page_range": page_range,
            "status": status if status in PolicySuggestion.Status.values else "",
            "statuses": PolicySuggestion.Status.choices,
        },
    )


@require_POST
@leadership_required
def suggestion_respond(request, pk):
    suggestion = selectors.suggestion_for(request.member, pk)
    form = SuggestionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a response to the member before sending it.")
        return redirect("policy_suggestions")
    with refused_into(request) as responding:
        feedback.respond_to_suggestion(
            suggestion=suggestion,
            actor=request.member,
            response=form.cleaned_data["response"],
            decline=form.cleaned_data["decline"],
        )
    if not responding.refused:
        verb = "declined" if form.cleaned_data["decline"] else "answered"
        messages.success(
            request, f"Suggestion {verb}; {suggestion.author.display_name} was emailed."
        )
    return redirect("policy_suggestions")


# --- Breach reports -----------------------------------------------------------------------------


REPORT_THANKS_SESSION = "policy_report_thanks"


def _sent_to(report: BreachReport) -> str:
    """Who receives the report, as the reporter is told it (truthfully)."""
    if report.routed_to == BreachReport.RoutedTo.SITE_ADMINS:
        return (
            "It concerns the partnership's administrative leadership, so it was sent to the "
            "site's administrators instead; no leader was sent it."
        )
    if report.subject_member_id is not None and report.subject_member.is_leadership:
        return (
            "It was sent to the partnership's administrative leadership, except the leader "
            "it concerns."
        )
    return "It was sent to the partnership's administrative leadership."


def report(request):
    """Anyone reports a suspected breach: a member from their login, a visitor (prospect,
    customer) without one. Same address; the form adapts."""
    request.member = request_membership(request)
    if request.member is None:
        return _visitor_report(request)
    member = request.member
    form = BreachReportForm(
        request.POST or None,
        members=selectors.reportable_members(request.partnership, excluding=member),
        partnership=request.partnership,
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as reporting:
            breach = feedback.report_breach(member=member, **form.cleaned_data)
        if not reporting.refused:
            anonymous = form.cleaned_data["anonymous"]
            messages.success(
                request,
                f"Thank you. Your report #{breach.pk} was received"
                + (" without your name. " if anonymous else ". ")
                + _sent_to(breach)
                + " The member concerned is not told who reported.",
            )
            return redirect("policy" if anonymous else "policy_my_reports")
    return render(
        request,
        "policy/report.html",
        {"form": form, "visitor": False},
        status=400 if form.errors else 200,
    )


def _visitor_report(request):
    partnership = request.partnership
    members = selectors.reportable_members(partnership, excluding=None)
    if request.method != "POST":
        form = VisitorBreachReportForm(members=members, partnership=partnership)
        return render(request, "policy/report.html", {"form": form, "visitor": True})
    form = VisitorBreachReportForm(request.POST, members=members, partnership=partnership)

    def render_form(*, status, refused=""):
        context = {"form": form, "visitor": True, "refused": refused}
        return render(request, "policy/report.html", context, status=status)

    def thank():
        request.session.pop(REPORT_THANKS_SESSION, None)
        return redirect("policy_report_thanks")

    def submit(data):
        with refused_into(form) as reporting:
            breach = feedback.report_breach_as_visitor(
                partnership=partnership, **form.report_data()
            )
        if reporting.refused:
            return None
        request.session[REPORT_THANKS_SESSION] = {
            "sent_to": _sent_to(breach),
            "follow_up": bool(breach.reporter_email),
        }
        return redirect("policy_report_thanks")

    return handle_public_post(
        request,
        form,
        limit_group="breach-report",
        render_form=render_form,
        thank=thank,
        submit=submit,
    )


def report_thanks(request):
    """After a visitor's report: what happens next. Without a report in this session (a bot's,
    or the page opened again), the same thanks without the details."""
    return render(
        request,
        "policy/report_thanks.html",
        {"sent": request.session.get(REPORT_THANKS_SESSION)},
    )


@member_required
def my_reports(request):
    """The reports a member sent with their name, and where each stands (status only)."""
    page, page_range = page_of(request, selectors.breach_reports_by(request.member))
    return render(
        request,
        "policy/my_reports.html",
        {"page": page, "page_range": page_range},
    )


@leadership_required
def reports(request):
    status = request.GET.get("status", "")
    page, page_range = page_of(request, selectors.breach_reports_for(request.member, status))
    return render(
        request,
        "policy/reports.html",
        {
            "page": page,
            "page_range": page_range,
            "status": status if status in BreachReport.Status.values else "",
            "statuses": BreachReport.Status.choices,
        },
    )


@leadership_required
def report_detail(request, pk):
    breach = selectors.report_for(request.member, pk)
    form = BreachUpdateForm(
        request.POST or None, initial={"status": breach.status, "resolution": breach.resolution}
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as saving:
            feedback.update_breach_report(report=breach, actor=request.member, **form.cleaned_data)
        if not saving.refused:
            messages.success(request, f"Breach report #{breach.pk} saved.")
            return redirect("policy_report_detail", pk=breach.pk)
    return render(
        request,
        "policy/report_detail.html",
        {"report": breach, "form": form},
        status=400 if form.errors else 200,
    )
