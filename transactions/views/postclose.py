"""Post-close follow-up pages: leadership's board, a transaction's post-close page, the
printable letter, and the POST endpoints of the post-close section (shown on the team page too).

Transactions come only from `transaction_seen` (404 for anyone who may not see them); who may do
what is decided by the services, whose refusals are shown as they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from members.auth import leadership_required, member_required
from pinnacle.http import next_path
from pinnacle.refusals import refused_into
from transactions.forms.postclose import (
    ConfirmMeetingForm,
    LetterForm,
    MailingAddressForm,
    MeetingHeldForm,
    MeetingTimesForm,
    interaction_form,
    meeting_labels,
)
from transactions.letter_pdf import render_letter_pdf
from transactions.letters import default_mailing_address, draft_letter_text
from transactions.models import ThankYouLetter, Transaction, TransactionAccess
from transactions.selectors import LEADERSHIP_SIGHT, Access, board
from transactions.selectors import postclose as selectors
from transactions.services import postclose as services
from transactions.services import thank_you
from transactions.services.access_log import record_transaction_access
from transactions.views.page import transaction_seen

BOARD_PER_PAGE = 25


@leadership_required
def post_close_board(request):
    """Every closed transaction with its three post-close steps, overdue first."""
    member = request.member
    now = timezone.now()
    open_only = request.GET.get("open") == "1"
    paginator = Paginator(board.post_close_board(member, open_only=open_only), BOARD_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # policy: every look from outside a transaction's team is logged (leadership included).
    record_transaction_access(
        viewer=member,
        user=request.user,
        path=request.get_full_path(),
        looks=[(transaction.pk, LEADERSHIP_SIGHT) for transaction in page.object_list],
        seen_on=TransactionAccess.SeenOn.LIST,
    )
    return render(
        request,
        "transactions/postclose/board.html",
        {
            "member": member,
            "open_only": open_only,
            "rows": selectors.board_rows(page.object_list, now, request.partnership),
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "kinds": selectors.STEP_KINDS,
        },
    )


def _transaction(request, pk) -> tuple[Transaction, Access]:
    """The transaction for its post-close pages: its team and leadership (a customer's written
    authorization to disclose does not extend to the team's follow-up)."""
    return transaction_seen(
        request,
        pk,
        queryset=Transaction.objects.select_related("lead", "leader__user", "leader__company"),
        grantees=False,
    )


def _page(request, transaction, access, *, bound=None, status=200):
    return render(
        request,
        "transactions/postclose/detail.html",
        {
            "transaction": transaction,
            "viewer": request.member,
            "access_name": access.value,
            "post_close_forms": bound or {},
        },
        status=status,
    )


def _back(request, transaction):
    """Back to the page the section was on (the team page, or the post-close page)."""
    target = next_path(request, reverse("post_close_detail", args=[transaction.pk]))
    return redirect(target.split("#")[0] + "#post-close")


@member_required
def post_close_detail(request, pk):
    transaction, access = _transaction(request, pk)
    return _page(request, transaction, access)


@require_POST
@member_required
def propose_meeting(request, pk):
    transaction, access = _transaction(request, pk)
    form = MeetingTimesForm(request.POST)
    with timezone.override(request.member.display_timezone):
        valid = form.is_valid()
    if not valid:
        return _page(request, transaction, access, bound={"meeting": form}, status=400)
    with refused_into(form) as proposing:
        services.propose_meeting_times(
            transaction=transaction,
            actor=request.member,
            times=form.times(),
            location=form.cleaned_data["location"],
        )
    if proposing.refused:
        return _page(request, transaction, access, bound={"meeting": form}, status=400)
    messages.success(request, "Your times were sent to leadership to confirm one.")
    return _back(request, transaction)


@require_POST
@member_required
def confirm_meeting(request, pk):
    transaction, access = _transaction(request, pk)
    proposals = selectors.unconfirmed_meeting_times(transaction)
    form = ConfirmMeetingForm(
        request.POST,
        proposals=proposals,
        labels=meeting_labels(proposals, request.partnership),
    )
    if not form.is_valid():
        return _page(request, transaction, access, bound={"confirm": form}, status=400)
    with refused_into(form) as confirming:
        services.confirm_meeting(proposal=form.chosen(), actor=request.member)
    if confirming.refused:
        return _page(request, transaction, access, bound={"confirm": form}, status=400)
    leader = transaction.leader.display_name if transaction.leader else "The leader"
    messages.success(request, f"The handoff meeting is booked; {leader} was emailed.")
    return _back(request, transaction)


@require_POST
@member_required
def meeting_held(request, pk):
    """Leadership records the handoff meeting as held, with its evaluation."""
    transaction, access = _transaction(request, pk)
    form = MeetingHeldForm(request.POST)
    if not form.is_valid():
        return _page(request, transaction, access, bound={"held": form}, status=400)
    with refused_into(form) as recording:
        services.record_handoff_held(
            transaction=transaction, actor=request.member, **form.cleaned_data
        )
    if recording.refused:
        return _page(request, transaction, access, bound={"held": form}, status=400)
    messages.success(request, "The handoff meeting and its evaluation are recorded.")
    return _back(request, transaction)


@require_POST
@member_required
def letter(request, pk):
    """Save the leader's letter, and with "send", email it to the customer; or, with
    "address", only set where the printed letter goes (after it was emailed)."""
    transaction, access = _transaction(request, pk)
    action = request.POST.get("action")
    if action == "address":
        address_form = MailingAddressForm(request.POST)
        if not address_form.is_valid():
            return _page(request, transaction, access, bound={"address": address_form}, status=400)
        with refused_into(address_form) as saving:
            thank_you.set_mailing_address(
                transaction=transaction,
                actor=request.member,
                mailing_address=address_form.cleaned_data["mailing_address"],
            )
        if saving.refused:
            return _page(request, transaction, access, bound={"address": address_form}, status=400)
        messages.success(request, "The mailing address was saved.")
        return _back(request, transaction)
    form = LetterForm(request.POST)
    if action not in ("save", "send"):
        form.add_error(None, "Choose whether to save the letter or to send it.")
    if not form.is_valid():
        return _page(request, transaction, access, bound={"letter": form}, status=400)
    with refused_into(form) as writing:
        thank_you.edit_letter(
            transaction=transaction,
            actor=request.member,
            body=form.cleaned_data["body"],
            mailing_address=form.cleaned_data["mailing_address"],
        )
        if action == "send":
            thank_you.send_letter(transaction=transaction, actor=request.member)
    if writing.refused:
        return _page(request, transaction, access, bound={"letter": form}, status=400)
    if action == "send":
        messages.success(request, f"Your letter was emailed to {transaction.lead.name}.")
    else:
        messages.success(request, "Your letter was saved.")
    return _back(request, transaction)


@require_POST
@member_required
def letter_mailed(request, pk):
    transaction, _ = _transaction(request, pk)
    with refused_into(request) as recording:
        thank_you.record_letter_mailed(transaction=transaction, actor=request.member)
    if not recording.refused:
        messages.success(request, "Recorded: the printed letter was mailed.")
    return _back(request, transaction)


@member_required
def letter_pdf(request, pk):
    """The printable letter: the saved one, or the portal's draft while there is none."""
    transaction, _ = _transaction(request, pk)
    if not transaction.is_closed:
        raise Http404
    letter = selectors.thank_you_letter_of(transaction) or ThankYouLetter(
        partnership=request.partnership,
        transaction=transaction,
        body="",
        mailing_address=default_mailing_address(transaction),
    )
    letter.transaction = transaction
    if not letter.body:
        letter.body = draft_letter_text(transaction)
    response = HttpResponse(render_letter_pdf(letter), content_type="application/pdf")
    filename = f"thank-you-{slugify(transaction.lead.name) or transaction.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
@member_required
def record_interaction(request, pk):
    transaction, access = _transaction(request, pk)
    section = selectors.post_close_section(transaction, request.member, timezone.now())
    form = interaction_form(section, request.POST)
    with timezone.override(request.member.display_timezone):
        valid = form.is_valid()
    if not valid:
        return _page(request, transaction, access, bound={"interaction": form}, status=400)
    with refused_into(form) as recording:
        interaction = services.record_client_interaction(
            transaction=transaction,
            actor=request.member,
            mode=form.cleaned_data["mode"],
            occurred_at=form.cleaned_data["occurred_at"],
            participants=form.chosen_participants(),
            body=form.cleaned_data["body"],
            email_customer=form.cleaned_data["email_customer"],
        )
    if recording.refused:
        return _page(request, transaction, access, bound={"interaction": form}, status=400)
    sent = f" and emailed to {transaction.lead.name}" if interaction.emailed_at else ""
    messages.success(request, f"Leadership's first client interaction was recorded{sent}.")
    return _back(request, transaction)
