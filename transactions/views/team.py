"""The committee's actions on the team page: adding and taking off members, proposing and agreeing
to a leader, leadership confirming a lone member is the whole team, the stage and the details."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from members.auth import member_required
from pinnacle.refusals import attempt, refused_into
from transactions import selectors
from transactions.forms.transaction import (
    AddTeamMemberForm,
    ProposeLeaderForm,
    StageForm,
    TransactionDetailsForm,
)
from transactions.services import lifecycle as services
from transactions.views.page import _detail, _done, transaction_seen


@require_POST
@member_required
def transaction_add_member(request, pk):
    transaction, access = transaction_seen(request, pk)
    team_ids = [seat.member_id for seat in selectors.team_of(transaction)]
    form = AddTeamMemberForm(request.POST, partnership=request.partnership, exclude_ids=team_ids)
    if form.is_valid():
        member = form.cleaned_data["member"]
        with refused_into(form) as adding:
            services.add_team_member(
                transaction=transaction,
                actor=request.member,
                member=member,
                role=form.cleaned_data["role"],
            )
        if not adding.refused:
            return _done(
                request,
                transaction,
                f"{member.display_name} is on the team; we emailed them a link to this page.",
                "#team",
            )
    return _detail(request, transaction, access, status=400, add_member_form=form)


@require_POST
@member_required
def transaction_remove_member(request, pk, seat_pk):
    transaction, access = transaction_seen(request, pk)
    seat = selectors.seat_for(transaction, seat_pk)
    refusal = attempt(
        services.remove_team_member,
        transaction=transaction,
        actor=request.member,
        member=seat.member,
    )
    if refusal:
        return _detail(request, transaction, access, status=400, refusal=refusal.message)
    return _done(request, transaction, f"{seat.member.display_name} is off the team.", "#team")


@require_POST
@member_required
def transaction_propose_leader(request, pk):
    transaction, access = transaction_seen(request, pk)
    form = ProposeLeaderForm(request.POST, team=selectors.team_of(transaction))
    if form.is_valid():
        candidate = form.chosen_member()
        with refused_into(form) as proposing:
            proposal = services.propose_leader(
                transaction=transaction, actor=request.member, candidate=candidate
            )
        if not proposing.refused:
            settled = proposal.settled_at is not None
            return _done(
                request,
                transaction,
                f"{candidate.display_name} leads the team."
                if settled
                else f"You proposed {candidate.display_name}: they lead the team once a "
                "majority of the team agrees.",
                "#leader",
            )
    return _detail(request, transaction, access, status=400, propose_form=form)


@require_POST
@member_required
def transaction_agree_leader(request, pk, proposal_pk):
    transaction, access = transaction_seen(request, pk)
    proposal = selectors.proposal_for(transaction, proposal_pk)
    with refused_into() as agreeing:
        settled = services.agree_to_leader(proposal=proposal, actor=request.member)
    if agreeing.refusal:
        return _detail(request, transaction, access, status=400, refusal=agreeing.refusal.message)
    name = proposal.candidate.display_name
    return _done(
        request,
        transaction,
        f"{name} leads the team." if settled else f"You agreed to {name} as team leader.",
        "#leader",
    )


@require_POST
@member_required
def transaction_stage(request, pk):
    transaction, access = transaction_seen(request, pk)
    form = StageForm(
        request.POST,
        moves=services.allowed_moves(transaction),
        today=request.partnership.today(),
        opened_on=services.opened_on(transaction),
    )
    if form.is_valid():
        with refused_into(form) as moving:
            transaction = services.change_stage(
                transaction=transaction,
                actor=request.member,
                stage=form.cleaned_data["stage"],
                closed_on=form.cleaned_data["closed_on"],
            )
        if not moving.refused:
            done = f"The transaction is now {transaction.get_stage_display().lower()}."
            if transaction.is_closed:
                done += " The post-close steps are scheduled."
            return _done(request, transaction, done, "#stage")
    return _detail(request, transaction, access, status=400, stage_form=form)


@require_POST
@member_required
def transaction_confirm_whole_team(request, pk):
    """Leadership confirms that the lone member of the team is the whole team (the team sees
    the refusal; a customer's authorization to disclose does not reach the team's make-up)."""
    transaction, access = transaction_seen(request, pk, grantees=False)
    with refused_into() as confirming:
        transaction = services.confirm_whole_team(transaction=transaction, actor=request.member)
    if confirming.refusal:
        return _detail(request, transaction, access, status=400, refusal=confirming.refusal.message)
    return _done(
        request,
        transaction,
        f"Confirmed: {transaction.solo_member.display_name} is the whole team and may move the "
        "transaction on and close it.",
        "#team",
    )


@require_POST
@member_required
def transaction_details(request, pk):
    transaction, access = transaction_seen(request, pk)
    form = TransactionDetailsForm(request.POST)
    if form.is_valid():
        with refused_into(form) as saving:
            services.update_transaction_details(
                transaction=transaction, actor=request.member, **form.cleaned_data
            )
        if not saving.refused:
            return _done(request, transaction, "Details saved.", "#details")
    return _detail(request, transaction, access, status=400, details_form=form)
