"""Revisions of the policy and their vote.

Thin views: each parses a form, calls a service from `policy.services.revisions`, and shows its
refusal as the form's error."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from members.auth import leadership_required, member_required
from pinnacle.refusals import refused_into
from policy import document, selectors
from policy.forms import OpenVotingForm, RevisionForm, VoteForm
from policy.models import PolicySuggestion, PolicyVote
from policy.services.revisions import (
    VOTING_DAYS_DEFAULT,
    cast_vote,
    open_voting,
    propose_revision,
)
from policy.services.versions import current_policy
from policy.views.common import page_of

# --- Revisions and votes --------------------------------------------------------------------------


@member_required
def revisions(request):
    page, page_range = page_of(request, selectors.revisions_for(request.member))
    return render(
        request,
        "policy/revisions.html",
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
    current = current_policy(partnership)
    open_suggestions = (
        PolicySuggestion.objects.for_partnership(partnership)
        .filter(status=PolicySuggestion.Status.OPEN)
        .select_related("author")
        .order_by("-created_at")
    )
    initial = {"text": current.text, **document.partnership_settings(partnership)}
    if picked := request.GET.getlist("suggestion"):
        initial["suggestions"] = [pk for pk in picked if pk.isdigit()]
    form = RevisionForm(request.POST or None, initial=initial, suggestions=open_suggestions)
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as drafting:
            revision = propose_revision(
                actor=request.member,
                title=form.cleaned_data["title"],
                rationale=form.cleaned_data["rationale"],
                text=form.cleaned_data["text"],
                settings=form.settings(),
                suggestions=form.cleaned_data["suggestions"],
            )
        if not drafting.refused:
            messages.success(
                request, "Revision drafted. Check it below, then open the vote when ready."
            )
            return redirect(revision)
    return render(
        request,
        "policy/revision_new.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


def _revisionpage_of(request, revision, *, vote_form=None, open_form=None, status=200):
    partnership = request.partnership
    member = request.member
    now = timezone.now()
    base = revision.base_version or current_policy(partnership)
    before = document.complete(base.settings)
    after = document.complete(revision.settings)
    my_vote = PolicyVote.objects.filter(revision=revision, member=member).first()
    stage = revision.voting_stage(now)
    if open_form is None and stage == "draft" and member.is_leadership:
        closes = partnership.localtime(now + datetime.timedelta(days=VOTING_DAYS_DEFAULT))
        open_form = OpenVotingForm(
            initial={"closes_at": closes.replace(tzinfo=None, second=0, microsecond=0)},
            partnership=partnership,
        )

    def statement(settings):
        return document.statement_in_text(settings["intro_statement"], partnership)

    return render(
        request,
        "policy/revision_detail.html",
        {
            "member": member,
            "revision": revision,
            "base": base,
            "now": now,
            "stage": stage,
            "my_vote": my_vote,
            "vote_form": vote_form or VoteForm(),
            "open_form": open_form,
            "rows": document.setting_rows(
                after, before=before, text=revision.text, before_text=base.text
            ),
            "statement_before": statement(before),
            "statement_after": statement(after),
            "diff": document.text_diff(
                document.render_text(base.text, before, partnership),
                document.render_text(revision.text, after, partnership),
            ),
            "policy_html": document.render_html(revision.text, after, partnership),
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
    return document.display_value("policy_majority_of", value).lower()


@member_required
def revision_detail(request, pk):
    revision = selectors.revision_for(request.member, pk)
    return _revisionpage_of(request, revision)


@require_POST
@member_required
def revision_vote(request, pk):
    revision = selectors.revision_for(request.member, pk)
    form = VoteForm(request.POST)
    if form.is_valid():
        with refused_into(form) as voting:
            vote = cast_vote(
                revision=revision, member=request.member, choice=form.cleaned_data["choice"]
            )
        if not voting.refused:
            messages.success(
                request,
                f"Your vote is recorded: {vote.get_choice_display().lower()}. You can change "
                "it until voting closes.",
            )
            return redirect(revision)
    return _revisionpage_of(request, revision, vote_form=form, status=400)


@require_POST
@leadership_required
def revision_open(request, pk):
    revision = selectors.revision_for(request.member, pk)
    form = OpenVotingForm(request.POST, partnership=request.partnership)
    if form.is_valid():
        with refused_into(form) as opening:
            open_voting(
                revision=revision, actor=request.member, closes_at=form.cleaned_data["closes_at"]
            )
        if not opening.refused:
            messages.success(request, "Voting is open; every active member was emailed a link.")
            return redirect(revision)
    return _revisionpage_of(request, revision, open_form=form, status=400)
