"""Transactions: the list and export of those the member may see, opening one from a lead, and
the team page with its actions. Every transaction is fetched through
`leads.selectors.transactions.transaction_for`: anyone outside its team, leadership and a live
disclosure gets a 404, and every look from outside the team is logged."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from leads.forms import (
    AddTeamMemberForm,
    DisclosureForm,
    DocumentForm,
    NoteForm,
    OpenTransactionForm,
    ProposeLeaderForm,
    StageForm,
    TransactionDetailsForm,
    TransactionFilterForm,
)
from leads.models import (
    Disclosure,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
)
from leads.selectors import lists
from leads.selectors import transactions as selectors
from leads.selectors.transactions import Access, transaction_for
from leads.services import LeadRefused
from leads.services import transaction_records as records
from leads.services import transactions as services
from leads.views.leads import csv_safe
from members.auth import member_required
from pinnacle.tenancy import record_audit

DETAIL_QUERYSET = Transaction.objects.select_related(
    "lead", "leader", "referral_member", "opened_by", "solo_member", "solo_confirmed_by"
)


@member_required
def transaction_list(request):
    member = request.member
    form = TransactionFilterForm(request.GET)
    q, stage = form.values()
    rows = selectors.transactions_for_list(member, q=q, stage=stage)
    page = Paginator(rows, selectors.TRANSACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.sight = selectors.sight_of(member, row)
    selectors.log_looks(
        request,
        member,
        [(row.pk, row.sight) for row in page.object_list],
        seen_on=TransactionAccess.SeenOn.LIST,
    )
    return render(
        request,
        "leads/transactions/list.html",
        {
            "form": form,
            "q": q,
            "stage": stage,
            "is_filtered": bool(q or stage),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "viewer": member,
        },
    )


EXPORT_HEADER = [
    "opened",
    "customer",
    "customer_email",
    "kind",
    "stage",
    "leader",
    "team",
    "property_address",
    "expected_close_on",
    "closed_on",
    "value",
    "stage_changed",
    "seen_as",
]
SEEN_AS = {
    Access.TEAM: "team",
    Access.LEADERSHIP: "leadership",
    Access.DISCLOSURE: "customer's written authorization",
}


class _Echo:
    def write(self, value: str) -> str:
        return value


def _export_rows(transactions, viewer):
    """One CSV row per transaction; a cell the viewer's sight does not cover stays empty
    (`seen_as` says why)."""
    partnership = viewer.partnership

    def local(moment: datetime.datetime | None) -> str:
        # The partnership's own clock, whoever downloads the file.
        return partnership.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for row in transactions.iterator(chunk_size=500):
        sight = selectors.sight_of(viewer, row)
        stage, team, address = sight.stage, sight.team, sight.property_details
        cells = [
            local(row.created_at) if stage else "",
            row.lead.name,
            row.lead.email if sight.contact else "",
            row.get_kind_display(),
            ("Forming" if row.forming else row.get_stage_display()) if stage else "",
            row.leader.display_name if team and row.leader else "",
            "; ".join(_seat_label(seat) for seat in row.team.all()) if team else "",
            row.property_address if address else "",
            row.expected_close_on.isoformat() if stage and row.expected_close_on else "",
            row.closed_on.isoformat() if stage and row.closed_on else "",
            "" if not address or row.value is None else f"{row.value:.2f}",
            local(row.stage_changed_at) if stage else "",
            SEEN_AS[sight.access],
        ]
        yield writer.writerow([csv_safe(cell) for cell in cells])


def _seat_label(seat: TeamMember) -> str:
    name = seat.member.display_name
    return f"{name} ({seat.role})" if seat.role else name


@member_required
def transaction_export(request):
    """The transactions the member may see, as filtered on the list; audited, and each row
    from outside its team logged as a look."""
    partnership, member = request.partnership, request.member
    q, stage = TransactionFilterForm(request.GET).values()
    rows = selectors.transactions_for_list(member, q=q, stage=stage)
    selectors.log_looks(
        request,
        member,
        selectors.outside_looks(member, rows),
        seen_on=TransactionAccess.SeenOn.EXPORT,
    )
    rows = rows.prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("member").order_by("added_at"))
    )
    record_audit(
        partnership=partnership,
        actor=request.user,
        action="transactions.exported",
        summary=f"{member.display_name} exported the transactions they may see as CSV",
        data={"member": member.pk, "q": q, "stage": stage},
    )
    filename = f"transactions-{partnership.slug}-{partnership.today():%Y-%m-%d}.csv"
    return StreamingHttpResponse(
        _export_rows(rows, member),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


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
                messages.success(
                    request,
                    "Transaction opened. Add the other partner members of the team committee: "
                    "until a second member joins it stays at its first stage."
                    if services.stays_forming(transaction, {member.pk})
                    else "Transaction opened. As the referral partner member you may work it "
                    "alone, or add the other partner members of the team committee.",
                )
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


def _detail(request, transaction, access, *, status=200, refusal="", **bound):
    """The team page; `bound` replaces a blank form by the one just posted (with its errors)."""
    member, partnership = request.member, request.partnership
    sight = selectors.sight_for(member, transaction, access)
    team = selectors.team_of(transaction)
    team_ids = [seat.member_id for seat in team]
    can_edit = access is Access.TEAM
    proposal = selectors.open_proposal(transaction) if sight.team else None
    agreed_ids = {a.member_id for a in proposal.agreements.all()} if proposal else set()
    moves = services.allowed_moves(transaction)
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
        "disclosures": selectors.disclosures_of(transaction) if not sight.is_grantee else None,
        "access_log": selectors.access_log_of(transaction)[:50] if not sight.is_grantee else None,
        "today": today,
    }
    if can_edit:
        context.update(
            add_member_form=bound.get("add_member_form")
            or AddTeamMemberForm(partnership=partnership, exclude_ids=team_ids),
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
            disclosure_form=bound.get("disclosure_form")
            or DisclosureForm(partnership=partnership, exclude_ids=team_ids, today=today),
            open_details=bool(bound.get("details_form")),
        )
    return render(request, "leads/transactions/detail.html", context, status=status)


def _timeline(transaction, sight):
    """The entries the viewer reads, each with the summary as they may read it."""
    events = list(selectors.timeline_of(transaction, sight))
    for event in events:
        event.shown_summary = sight.event_summary(event)
    return events


@member_required
def transaction_detail(request, pk):
    transaction, access = transaction_for(request, request.member, pk, queryset=DETAIL_QUERYSET)
    return _detail(request, transaction, access)


def _fetch(request, pk, *, seen_on=TransactionAccess.SeenOn.PAGE):
    return transaction_for(request, request.member, pk, queryset=DETAIL_QUERYSET, seen_on=seen_on)


def _row_of(request, transaction, model, pk, *related):
    """A row of this transaction (a seat, a proposal, an entry, a document, a disclosure) by
    its id; 404 for any other, another transaction's included."""
    row = (
        model.objects.filter(partnership=request.partnership, transaction=transaction, pk=pk)
        .select_related(*related)
        .first()
    )
    if row is None:
        raise Http404
    return row


def _done(request, transaction, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(transaction.get_absolute_url() + anchor)


@require_POST
@member_required
def transaction_add_member(request, pk):
    transaction, access = _fetch(request, pk)
    team_ids = [seat.member_id for seat in selectors.team_of(transaction)]
    form = AddTeamMemberForm(request.POST, partnership=request.partnership, exclude_ids=team_ids)
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            services.add_team_member(
                transaction=transaction,
                actor=request.member,
                member=member,
                role=form.cleaned_data["role"],
            )
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
    transaction, access = _fetch(request, pk)
    seat = _row_of(request, transaction, TeamMember, seat_pk, "member")
    try:
        services.remove_team_member(
            transaction=transaction, actor=request.member, member=seat.member
        )
    except LeadRefused as refusal:
        return _detail(request, transaction, access, status=400, refusal=str(refusal))
    return _done(request, transaction, f"{seat.member.display_name} is off the team.", "#team")


@require_POST
@member_required
def transaction_propose_leader(request, pk):
    transaction, access = _fetch(request, pk)
    form = ProposeLeaderForm(request.POST, team=selectors.team_of(transaction))
    if form.is_valid():
        candidate = form.chosen_member()
        try:
            proposal = services.propose_leader(
                transaction=transaction, actor=request.member, candidate=candidate
            )
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
    transaction, access = _fetch(request, pk)
    proposal = _row_of(request, transaction, LeaderProposal, proposal_pk, "candidate")
    try:
        settled = services.agree_to_leader(proposal=proposal, actor=request.member)
    except LeadRefused as refusal:
        return _detail(request, transaction, access, status=400, refusal=str(refusal))
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
    transaction, access = _fetch(request, pk)
    form = StageForm(
        request.POST,
        moves=services.allowed_moves(transaction),
        today=request.partnership.today(),
        opened_on=services.opened_on(transaction),
    )
    if form.is_valid():
        try:
            transaction = services.change_stage(
                transaction=transaction,
                actor=request.member,
                stage=form.cleaned_data["stage"],
                closed_on=form.cleaned_data["closed_on"],
            )
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
    transaction, access = _fetch(request, pk)
    if access is Access.DISCLOSURE:
        raise Http404
    try:
        transaction = services.confirm_whole_team(transaction=transaction, actor=request.member)
    except LeadRefused as refusal:
        return _detail(request, transaction, access, status=400, refusal=str(refusal))
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
    transaction, access = _fetch(request, pk)
    form = TransactionDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.update_transaction_details(
                transaction=transaction, actor=request.member, **form.cleaned_data
            )
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(request, transaction, "Details saved.", "#details")
    return _detail(request, transaction, access, status=400, details_form=form)


@require_POST
@member_required
def transaction_note(request, pk):
    transaction, access = _fetch(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            records.add_note(transaction=transaction, actor=request.member, **form.cleaned_data)
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(request, transaction, "Note added to the timeline.", "#timeline")
    return _detail(request, transaction, access, status=400, note_form=form)


@require_POST
@member_required
def transaction_event_share(request, pk, event_pk):
    transaction, access = _fetch(request, pk)
    event = _row_of(request, transaction, TransactionEvent, event_pk)
    shared = request.POST.get("shared") == "1"
    try:
        records.set_event_shared(event=event, actor=request.member, shared=shared)
    except LeadRefused as refusal:
        return _detail(request, transaction, access, status=400, refusal=str(refusal))
    return _done(
        request,
        transaction,
        "The customer sees this entry on their page."
        if shared
        else "The customer no longer sees this entry.",
        "#timeline",
    )


@require_POST
@member_required
def transaction_document_upload(request, pk):
    transaction, access = _fetch(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = records.add_document(
                transaction=transaction,
                actor=request.member,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except LeadRefused as refusal:
            form.add_error("file" if "file" in str(refusal).lower() else None, str(refusal))
        else:
            return _done(request, transaction, f"\u201c{document.title}\u201d added.", "#documents")
    return _detail(request, transaction, access, status=400, document_form=form)


def _attachment(field_file, content_type: str, name: str):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    extension = field_file.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(name) or 'document'}.{extension}",
        content_type=content_type or "application/octet-stream",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


@member_required
def transaction_document(request, pk, doc_pk):
    transaction, access = _fetch(request, pk, seen_on=TransactionAccess.SeenOn.DOWNLOAD)
    if not selectors.sight_for(request.member, transaction, access).documents:
        raise Http404
    document = _row_of(request, transaction, TransactionDocument, doc_pk)
    return _attachment(document.file, document.content_type, document.title)


@require_POST
@member_required
def transaction_disclosure_record(request, pk):
    transaction, access = _fetch(request, pk)
    team_ids = [seat.member_id for seat in selectors.team_of(transaction)]
    form = DisclosureForm(
        request.POST,
        request.FILES,
        partnership=request.partnership,
        exclude_ids=team_ids,
        today=request.partnership.today(),
    )
    if form.is_valid():
        try:
            disclosure = records.record_disclosure(
                transaction=transaction, actor=request.member, **form.cleaned_data
            )
        except LeadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(
                request,
                transaction,
                f"The authorization to disclose to {disclosure.grantee_name} is recorded.",
                "#disclosures",
            )
    return _detail(request, transaction, access, status=400, disclosure_form=form)


@require_POST
@member_required
def transaction_disclosure_revoke(request, pk, disclosure_pk):
    transaction, access = _fetch(request, pk)
    disclosure = _row_of(request, transaction, Disclosure, disclosure_pk)
    try:
        records.revoke_disclosure(disclosure=disclosure, actor=request.member)
    except LeadRefused as refusal:
        return _detail(request, transaction, access, status=400, refusal=str(refusal))
    return _done(
        request,
        transaction,
        f"The authorization for {disclosure.grantee_name} is revoked.",
        "#disclosures",
    )


@member_required
def transaction_disclosure_document(request, pk, disclosure_pk):
    """The signed authorization: for the team and leadership, not for its grantee."""
    transaction, access = _fetch(request, pk, seen_on=TransactionAccess.SeenOn.DOWNLOAD)
    if access is Access.DISCLOSURE:
        raise Http404
    disclosure = _row_of(request, transaction, Disclosure, disclosure_pk)
    content_type = (
        "application/pdf" if disclosure.signed_document.name.endswith(".pdf") else ""
    ) or _image_type(disclosure.signed_document.name)
    return _attachment(
        disclosure.signed_document, content_type, f"authorization-{disclosure.grantee_name}"
    )


def _image_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1]
    return next(
        (ct for ct, ext in records.IMAGE_TYPES.values() if ext == extension),
        "application/octet-stream",
    )
