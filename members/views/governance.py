"""The engagement policy's pages: the current version and its history, critique and
suggestions, breach reports (sent by anyone, read by leadership; a member follows the status
of their own), and revisions with their vote.

Thin views: each parses a form, calls a service from members.governance (revisions, votes) or
members.policy_feedback (suggestions, breach reports), and shows its refusal as the form's
error."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from members import governance, policy_document, policy_feedback, selectors
from members.auth import leadership_required, member_required
from members.forms import (
    BreachReportForm,
    BreachUpdateForm,
    OpenVotingForm,
    RevisionForm,
    SuggestionForm,
    SuggestionResponseForm,
    VisitorBreachReportForm,
    VoteForm,
)
from members.models import BreachReport, PolicySuggestion, PolicyVote
from pinnacle.membership import request_membership
from pinnacle.ratelimit import TOO_MANY_SUBMISSIONS, too_many_submissions

PER_PAGE = 25


def _page(request, rows):
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _show(form, refusal: governance.GovernanceRefused) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


def vote_panel(request, member) -> dict | None:
    """The dashboard's "a policy revision is open for your vote" panel; nothing otherwise."""
    revisions = selectors.votable_revisions(member, timezone.now())
    return {"revisions": revisions} if revisions else None


# --- The policy ----------------------------------------------------------------------------------


def _policy_page(request, version, *, current):
    partnership = request.partnership
    settings = policy_document.complete(version.settings)
    rows = policy_document.setting_rows(settings, text=version.text)
    return render(
        request,
        "members/policy/policy.html",
        {
            "member": request.member,
            "version": version,
            "current": current,
            "is_current": version.pk == current.pk,
            "policy_html": policy_document.render_html(version.text, settings, partnership),
            "rows": rows,
            "has_unvoted": any(row.is_not_yet_voted for row in rows),
            "intro_statement": policy_document.statement_in_text(
                settings["intro_statement"], partnership
            ),
            "versions": selectors.policy_versions(partnership),
            "votable": selectors.votable_revisions(request.member, timezone.now()),
        },
    )


@member_required
def policy(request):
    current = governance.current_policy(request.partnership)
    return _policy_page(request, current, current=current)


@member_required
def policy_version(request, number):
    version = selectors.get_policy_version(request.partnership, number)
    return _policy_page(request, version, current=governance.current_policy(request.partnership))


# --- Critique and suggestions ------------------------------------------------------------------


@member_required
def suggest(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy_feedback.submit_suggestion(member=request.member, **form.cleaned_data)
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            messages.success(
                request, "Thank you. Leadership has your message and will answer it here."
            )
            return redirect("policy_suggestions")
    return render(
        request,
        "members/policy/suggest.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@member_required
def suggestions(request):
    member = request.member
    status = request.GET.get("status", "")
    page, page_range = _page(request, selectors.suggestions_for(member, status))
    return render(
        request,
        "members/policy/suggestions.html",
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
    suggestion = selectors.get_suggestion_for_leader(request.member, pk)
    form = SuggestionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a response to the member before sending it.")
        return redirect("policy_suggestions")
    try:
        policy_feedback.respond_to_suggestion(
            suggestion=suggestion,
            actor=request.member,
            response=form.cleaned_data["response"],
            decline=form.cleaned_data["decline"],
        )
    except governance.GovernanceRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
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
        try:
            breach = policy_feedback.report_breach(member=member, **form.cleaned_data)
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
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
        "members/policy/report.html",
        {"form": form, "visitor": False},
        status=400 if form.errors else 200,
    )


def _visitor_report(request):
    partnership = request.partnership
    members = selectors.reportable_members(partnership, excluding=None)
    if request.method != "POST":
        form = VisitorBreachReportForm(members=members, partnership=partnership)
        return render(request, "members/policy/report.html", {"form": form, "visitor": True})
    form = VisitorBreachReportForm(request.POST, members=members, partnership=partnership)
    if form.is_spam():
        # Bots get the same page as people, and nothing is stored or sent.
        request.session.pop(REPORT_THANKS_SESSION, None)
        return redirect("policy_report_thanks")
    if too_many_submissions(request, group="breach-report"):
        return render(
            request,
            "members/policy/report.html",
            {"form": form, "visitor": True, "refused": TOO_MANY_SUBMISSIONS},
            status=429,
        )
    if form.is_valid():
        try:
            breach = policy_feedback.report_breach_as_visitor(
                partnership=partnership, **form.report_data()
            )
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            request.session[REPORT_THANKS_SESSION] = {
                "sent_to": _sent_to(breach),
                "follow_up": bool(breach.reporter_email),
            }
            return redirect("policy_report_thanks")
    return render(
        request, "members/policy/report.html", {"form": form, "visitor": True}, status=400
    )


def report_thanks(request):
    """After a visitor's report: what happens next. Without a report in this session (a bot's,
    or the page opened again), the same thanks without the details."""
    return render(
        request,
        "members/policy/report_thanks.html",
        {"sent": request.session.get(REPORT_THANKS_SESSION)},
    )


@member_required
def my_reports(request):
    """The reports a member sent with their name, and where each stands (status only)."""
    page, page_range = _page(request, selectors.breach_reports_by(request.member))
    return render(
        request,
        "members/policy/my_reports.html",
        {"page": page, "page_range": page_range},
    )


@leadership_required
def reports(request):
    status = request.GET.get("status", "")
    page, page_range = _page(request, selectors.breach_reports_for(request.member, status))
    return render(
        request,
        "members/policy/reports.html",
        {
            "page": page,
            "page_range": page_range,
            "status": status if status in BreachReport.Status.values else "",
            "statuses": BreachReport.Status.choices,
        },
    )


@leadership_required
def report_detail(request, pk):
    breach = selectors.get_report_for_leader(request.member, pk)
    form = BreachUpdateForm(
        request.POST or None, initial={"status": breach.status, "resolution": breach.resolution}
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_feedback.update_breach_report(
                report=breach, actor=request.member, **form.cleaned_data
            )
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            messages.success(request, f"Breach report #{breach.pk} saved.")
            return redirect("policy_report_detail", pk=breach.pk)
    return render(
        request,
        "members/policy/report_detail.html",
        {"report": breach, "form": form},
        status=400 if form.errors else 200,
    )


# --- Revisions and votes --------------------------------------------------------------------------


@member_required
def revisions(request):
    page, page_range = _page(request, selectors.revisions_for(request.member))
    return render(
        request,
        "members/policy/revisions.html",
        {
            "member": request.member,
            "page": page,
            "page_range": page_range,
            "now": timezone.now(),
        },
    )


@leadership_required
def revision_new(request):
    partnership = request.partnership
    current = governance.current_policy(partnership)
    open_suggestions = (
        PolicySuggestion.objects.for_partnership(partnership)
        .filter(status=PolicySuggestion.Status.OPEN)
        .select_related("author")
        .order_by("-created_at")
    )
    initial = {"text": current.text, **policy_document.partnership_settings(partnership)}
    if picked := request.GET.getlist("suggestion"):
        initial["suggestions"] = [pk for pk in picked if pk.isdigit()]
    form = RevisionForm(request.POST or None, initial=initial, suggestions=open_suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            revision = governance.propose_revision(
                actor=request.member,
                title=form.cleaned_data["title"],
                rationale=form.cleaned_data["rationale"],
                text=form.cleaned_data["text"],
                settings=form.settings(),
                suggestions=form.cleaned_data["suggestions"],
            )
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            messages.success(
                request, "Revision drafted. Check it below, then open the vote when ready."
            )
            return redirect(revision)
    return render(
        request,
        "members/policy/revision_new.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


def _revision_page(request, revision, *, vote_form=None, open_form=None, status=200):
    partnership = request.partnership
    member = request.member
    now = timezone.now()
    base = revision.base_version or governance.current_policy(partnership)
    before = policy_document.complete(base.settings)
    after = policy_document.complete(revision.settings)
    my_vote = PolicyVote.objects.filter(revision=revision, member=member).first()
    stage = revision.voting_stage(now)
    if open_form is None and stage == "draft" and member.is_leadership:
        closes = partnership.localtime(
            now + datetime.timedelta(days=governance.VOTING_DAYS_DEFAULT)
        )
        open_form = OpenVotingForm(
            initial={"closes_at": closes.replace(tzinfo=None, second=0, microsecond=0)},
            partnership=partnership,
        )

    def statement(settings):
        return policy_document.statement_in_text(settings["intro_statement"], partnership)

    return render(
        request,
        "members/policy/revision_detail.html",
        {
            "member": member,
            "revision": revision,
            "base": base,
            "now": now,
            "stage": stage,
            "my_vote": my_vote,
            "vote_form": vote_form or VoteForm(),
            "open_form": open_form,
            "rows": policy_document.setting_rows(
                after, before=before, text=revision.text, before_text=base.text
            ),
            "statement_before": statement(before),
            "statement_after": statement(after),
            "diff": policy_document.text_diff(
                policy_document.render_text(base.text, before, partnership),
                policy_document.render_text(revision.text, after, partnership),
            ),
            "policy_html": policy_document.render_html(revision.text, after, partnership),
            "taken_up": PolicySuggestion.objects.filter(revision=revision)
            .select_related("author")
            .order_by("created_at"),
            "majority_label": _majority_label(
                revision.majority_of or partnership.policy_majority_of
            ),
        },
        status=status,
    )


def _majority_label(value: str) -> str:
    return policy_document.display_value("policy_majority_of", value).lower()


@member_required
def revision_detail(request, pk):
    revision = selectors.get_revision_for_member(request.member, pk)
    return _revision_page(request, revision)


@require_POST
@member_required
def revision_vote(request, pk):
    revision = selectors.get_revision_for_member(request.member, pk)
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            vote = governance.cast_vote(
                revision=revision, member=request.member, choice=form.cleaned_data["choice"]
            )
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            messages.success(
                request,
                f"Your vote is recorded: {vote.get_choice_display().lower()}. You can change "
                "it until voting closes.",
            )
            return redirect(revision)
    return _revision_page(request, revision, vote_form=form, status=400)


@require_POST
@leadership_required
def revision_open(request, pk):
    revision = selectors.get_revision_for_member(request.member, pk)
    form = OpenVotingForm(request.POST, partnership=request.partnership)
    if form.is_valid():
        try:
            governance.open_voting(
                revision=revision, actor=request.member, closes_at=form.cleaned_data["closes_at"]
            )
        except governance.GovernanceRefused as refusal:
            _show(form, refusal)
        else:
            messages.success(request, "Voting is open; every active member was emailed a link.")
            return redirect(revision)
    return _revision_page(request, revision, open_form=form, status=400)
