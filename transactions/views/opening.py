"""Opening a transaction from a lead's page. The other pages of a transaction: its list and
export (`lists`), its team page (`page`) with the committee's actions (`team`) and its records
(`records`), the customer's page and link (`customer`), the post-close follow-up (`postclose`).
Every transaction is fetched through `transactions.selectors.transaction_for`: anyone outside its
team, leadership and a live disclosure gets a 404, and every look from outside the team is
logged."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from leads.selectors import lists
from members.auth import member_required
from pinnacle.refusals import refused_into
from transactions.forms.transaction import OpenTransactionForm
from transactions.services import lifecycle as services


@member_required
def transaction_open(request, pk):
    """A member who works the lead opens its transaction and takes the first seat."""
    member = request.member
    lead = lists.lead_for(request.member, pk)
    form = OpenTransactionForm(request.POST if request.method == "POST" else None)
    status = 200
    already_open = None
    if request.method == "POST" and not member.is_leadership:
        if form.is_valid():
            with refused_into(form) as opening:
                transaction = services.open_transaction(
                    lead=lead, member=member, **form.cleaned_data
                )
            # Refused because the lead's transaction is open already: the page links to it.
            already_open = getattr(opening.refusal, "transaction", None)
            if not opening.refused:
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
        "transactions/open.html",
        {
            "lead": lead,
            "form": form,
            "refusal": services.LEADERSHIP_NOT_ON_COMMITTEES if member.is_leadership else "",
            "already_open": already_open,
        },
        status=status,
    )
