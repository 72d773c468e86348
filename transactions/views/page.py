"""A transaction's team page, fetched through `transaction_seen` (a 404 outside its team,
leadership and a live disclosure; every look from outside the team is logged), the one way every
page of a transaction fetches it, and the helpers every action on the page shares (done,
re-render). To htmx, the same address answers one member search's matches alone."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from members.auth import member_required
from pinnacle.access import not_found
from transactions import selectors
from transactions.forms.transaction import (
    AddTeamMemberForm,
    DisclosureForm,
    DocumentForm,
    NoteForm,
    ProposeLeaderForm,
    StageForm,
    TransactionDetailsForm,
)
from transactions.models import Transaction, TransactionAccess
from transactions.selectors import Access, Sight
from transactions.selectors.members import member_choices, search_text
from transactions.services import lifecycle as services
from transactions.services.access_log import record_transaction_access

# The page's searches for a partner member (when the partnership has too many to list).
TEAM_SEARCH = "member_q"
DISCLOSURE_SEARCH = "grantee_q"

DETAIL_QUERYSET = Transaction.objects.select_related(
    "lead", "leader", "referral_member", "opened_by", "solo_member", "solo_confirmed_by"
)


def _detail(request, transaction, access, *, status=200, refusal="", **bound):
    """The team page; `bound` replaces a blank form by the one just posted (with its errors)."""
    member, partnership = request.member, request.partnership
    sight = selectors.sight_for(member, transaction, access)
    team = selectors.team_of(transaction)
    team_ids = [seat.member_id for seat in team]
    can_edit = access is Access.TEAM
    proposal = selectors.open_proposal(transaction) if sight.team else None
    agreed_ids = {a.member_id for a in proposal.agreements.all()} if proposal else set()
    today = partnership.today()
    referral_leads = services.referral_member_leads(transaction, team_ids)
    forming = services.stays_forming(transaction, set(team_ids))
    if not can_edit and not refusal:
        # Read-only viewers see no forms: a refusal of what they posted is shown on its own.
        refusal = " ".join(error for form in bound.values() for error in form.non_field_errors())
    context = {
        "transaction": transaction,
        "lead": transaction.lead,
        "viewer": member,
        "access": access,
        "access_name": access.value,
        "can_edit": can_edit,
        "is_leader": services.acting_leader_id(transaction) == member.pk,
        "removable_ids": services.removable_ids(transaction, team, member),
        "team": team,
        "forming": forming,
        # Leadership confirms on this page that a lone member is the whole team.
        "can_confirm_whole_team": access is Access.LEADERSHIP and forming and len(team) == 1,
        # A team of one appoints nobody (even when it works alone, its lone member leads it).
        "can_propose_leader": can_edit
        and not referral_leads
        and not services.is_forming(len(team)),
        "committee_minimum": services.COMMITTEE_MINIMUM,
        "proposal": proposal,
        "agreed_ids": agreed_ids,
        "referral_leads": referral_leads,
        "refusal": refusal,
        "sight": sight,
        "events": _timeline(transaction, sight),
        "documents": selectors.documents_of(transaction) if sight.documents else None,
        # Who else was authorized, and who looked, is for the team and leadership.
        "disclosures": selectors.disclosures_of(transaction, today=today)
        if not sight.is_grantee
        else None,
        "access_log": selectors.access_log_of(transaction)[:50] if not sight.is_grantee else None,
        "today": today,
    }
    if can_edit:
        context.update(
            _team_forms(request, transaction, partnership, team, today=today, bound=bound)
        )
    return render(request, "transactions/detail.html", context, status=status)


def _team_forms(request, transaction, partnership, team, *, today, bound):
    """The team's blank forms, or the one just posted (`bound`) with its errors. The two choices
    of a partner member list what `member_choices` offers: everyone when few, else what the
    page's searches (`member_q`, `grantee_q`) found, and the member a posted form chose."""
    team_ids = [seat.member_id for seat in team]
    moves = services.allowed_moves(transaction)
    add_member_form = bound.get("add_member_form") or AddTeamMemberForm(
        partnership=partnership, exclude_ids=team_ids
    )
    disclosure_form = bound.get("disclosure_form") or DisclosureForm(
        partnership=partnership, exclude_ids=team_ids, today=today
    )
    choices = member_choices(
        partnership,
        exclude_ids=team_ids,
        team_query=search_text(request.GET.get(TEAM_SEARCH)),
        disclosure_query=search_text(request.GET.get(DISCLOSURE_SEARCH)),
        team_chosen=_posted_id(add_member_form, "member"),
        disclosure_chosen=_posted_id(disclosure_form, "grantee_member"),
    )
    add_member_form.fields["member"].offer(choices.for_team.choices)
    disclosure_form.fields["grantee_member"].offer(choices.for_disclosure.choices)
    return dict(
        add_member_form=add_member_form,
        team_search=choices.for_team,
        disclosure_search=choices.for_disclosure,
        propose_form=bound.get("propose_form") or ProposeLeaderForm(team=team),
        stage_form=bound.get("stage_form")
        or StageForm(moves=moves, today=today, opened_on=services.opened_on(transaction)),
        details_form=bound.get("details_form")
        or TransactionDetailsForm(
            initial={
                "kind": transaction.kind,
                "property_address": transaction.property_address,
                "expected_close_on": transaction.expected_close_on,
                "value": transaction.value,
            }
        ),
        note_form=bound.get("note_form") or NoteForm(),
        document_form=bound.get("document_form") or DocumentForm(),
        disclosure_form=disclosure_form,
        open_details=bool(bound.get("details_form")),
        open_disclosure=disclosure_form.is_bound or bool(choices.for_disclosure.query),
    )


def _posted_id(form, name: str) -> int | None:
    """The member id a posted form chose, if it is one."""
    value = form[name].value() if form.is_bound else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _timeline(transaction, sight):
    """The entries the viewer reads, each with the summary as they may read it."""
    events = list(selectors.timeline_of(transaction, sight))
    for event in events:
        event.shown_summary = sight.event_summary(event)
    return events


@member_required
def transaction_detail(request, pk):
    transaction, access = transaction_seen(request, pk)
    search = _searched_by_htmx(request)
    if search and access is Access.TEAM:
        response = member_search_answer(request, transaction, search)
    else:
        response = _detail(request, transaction, access)
    # The same address answers a page or, to htmx, one search's matches.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _searched_by_htmx(request) -> str:
    """The page's search (TEAM_SEARCH or DISCLOSURE_SEARCH) whose box htmx asks for, or ""."""
    if not request.htmx:
        return ""
    for search in (TEAM_SEARCH, DISCLOSURE_SEARCH):
        if request.htmx.target == f"{search}_found":
            return search
    return ""


def member_search_answer(request, transaction, search: str):
    """What one of the page's searches for a partner member found, alone: the count and the
    choice (_member_found.html), which htmx swaps in as the member types. The same choice as the
    whole page offers (`member_choices`, the team left out), without reading the rest of it."""
    partnership = request.partnership
    team_ids = [seat.member_id for seat in selectors.team_of(transaction)]
    query = search_text(request.GET.get(search))
    if search == TEAM_SEARCH:
        choices = member_choices(partnership, exclude_ids=team_ids, team_query=query)
        form, name, found = (
            AddTeamMemberForm(partnership=partnership, exclude_ids=team_ids),
            "member",
            choices.for_team,
        )
    else:
        choices = member_choices(partnership, exclude_ids=team_ids, disclosure_query=query)
        form, name, found = (
            DisclosureForm(
                partnership=partnership, exclude_ids=team_ids, today=partnership.today()
            ),
            "grantee_member",
            choices.for_disclosure,
        )
    form.fields[name].offer(found.choices)
    context = {"search_name": search, "found": found, "field": form[name]}
    return render(request, "transactions/_member_found.html", context)


def transaction_seen(
    request,
    pk,
    *,
    queryset=DETAIL_QUERYSET,
    seen_on=TransactionAccess.SeenOn.PAGE,
    grantees: bool = True,
):
    """The transaction `pk` and how the member sees it, or 404 (`selectors.transaction_for`);
    a look from outside its team is logged first (a grantee turned away by `grantees=False`,
    for what their authorization does not reach, included)."""
    transaction, access, grant = selectors.transaction_for(request.member, pk, queryset=queryset)
    record_transaction_access(
        viewer=request.member,
        user=request.user,
        path=request.get_full_path(),
        looks=[(transaction.pk, Sight(access, disclosure_id=grant.pk if grant else None))],
        seen_on=seen_on,
    )
    if access is Access.DISCLOSURE and not grantees:
        raise not_found(Transaction)
    return transaction, access


def _done(request, transaction, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(transaction.get_absolute_url() + anchor)
