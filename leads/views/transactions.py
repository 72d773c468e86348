"""Transactions: the list and export of those the member may see (`transaction_list`), opening
one from a lead (here), the team page (`transaction_page`) with the committee's actions
(`transaction_team`) and its records (`transaction_records`); this module exposes every view for
`leads.urls`. Every transaction is fetched through
`leads.selectors.transactions.transaction_for`: anyone outside its team, leadership and a live
disclosure gets a 404, and every look from outside the team is logged."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from leads.forms import (
    OpenTransactionForm,
)
from leads.selectors import lists
from leads.services import LeadRefused
from leads.services import transactions as services
from leads.views.transaction_list import transaction_export, transaction_list
from leads.views.transaction_page import transaction_detail
from leads.views.transaction_records import (
    transaction_disclosure_document,
    transaction_disclosure_record,
    transaction_disclosure_revoke,
    transaction_document,
    transaction_document_upload,
    transaction_event_share,
    transaction_note,
)
from leads.views.transaction_team import (
    transaction_add_member,
    transaction_agree_leader,
    transaction_confirm_whole_team,
    transaction_details,
    transaction_propose_leader,
    transaction_remove_member,
    transaction_stage,
)
from members.auth import member_required

__all__ = [
    "transaction_add_member",
    "transaction_agree_leader",
    "transaction_confirm_whole_team",
    "transaction_detail",
    "transaction_details",
    "transaction_disclosure_document",
    "transaction_disclosure_record",
    "transaction_disclosure_revoke",
    "transaction_document",
    "transaction_document_upload",
    "transaction_event_share",
    "transaction_export",
    "transaction_list",
    "transaction_note",
    "transaction_open",
    "transaction_propose_leader",
    "transaction_remove_member",
    "transaction_stage",
]


@member_required
def transaction_open(request, pk):
    """A member who works the lead opens its transaction and takes the first seat."""
    member = request.member
    lead = lists.get_lead(partnership=request.partnership, pk=pk)
    form = OpenTransactionForm(request.POST if request.method == "POST" else None)
    status = 200
    already_open = None
    if request.method == "POST" and not member.is_leadership:
        if form.is_valid():
            try:
                transaction = services.open_transaction(
                    lead=lead, member=member, **form.cleaned_data
                )
            except LeadRefused as refusal:
                form.add_error(None, str(refusal))
                already_open = getattr(refusal, "transaction", None)
            else:
                if services.stays_forming(transaction, {member.pk}):
                    opened = (
                        "Transaction opened. Add the other partner members of the team "
                        "committee: until a second member joins it stays at its first stage."
                    )
                else:
                    opened = (
                        "Transaction opened. As the referral partner member you may serve this "
                        "customer alone, or add the other partner members of the team committee."
                    )
                messages.success(request, opened)
                return redirect(transaction)
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "leads/transactions/open.html",
        {
            "lead": lead,
            "form": form,
            "refusal": services.LEADERSHIP_NOT_ON_COMMITTEES if member.is_leadership else "",
            "already_open": already_open,
        },
        status=status,
    )
