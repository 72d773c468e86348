"""The records on the team page: notes, sharing a timeline event, documents, and the customer's
written authorizations (disclosures) with their signed documents."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from members.auth import member_required
from pinnacle.refusals import attempt, refused_into
from transactions import selectors
from transactions.forms.transaction import DisclosureForm, DocumentForm, NoteForm
from transactions.models import TransactionAccess
from transactions.services import records
from transactions.views.page import _detail, _done, transaction_seen


@require_POST
@member_required
def transaction_note(request, pk):
    transaction, access = transaction_seen(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        with refused_into(form) as adding:
            records.add_note(transaction=transaction, actor=request.member, **form.cleaned_data)
        if not adding.refused:
            return _done(request, transaction, "Note added to the timeline.", "#timeline")
    return _detail(request, transaction, access, status=400, note_form=form)


@require_POST
@member_required
def transaction_event_share(request, pk, event_pk):
    transaction, access = transaction_seen(request, pk)
    event = selectors.event_for(transaction, event_pk)
    shared = request.POST.get("shared") == "1"
    refusal = attempt(records.set_event_shared, event=event, actor=request.member, shared=shared)
    if refusal:
        return _detail(request, transaction, access, status=400, refusal=refusal.message)
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
    transaction, access = transaction_seen(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        with refused_into(form) as adding:
            document = records.add_document(
                transaction=transaction,
                actor=request.member,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        if not adding.refused:
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
    transaction, access = transaction_seen(request, pk, seen_on=TransactionAccess.SeenOn.DOWNLOAD)
    if not selectors.sight_for(request.member, transaction, access).documents:
        raise Http404
    document = selectors.document_for(transaction, doc_pk)
    return _attachment(document.file, document.content_type, document.title)


@require_POST
@member_required
def transaction_disclosure_record(request, pk):
    transaction, access = transaction_seen(request, pk)
    team_ids = [seat.member_id for seat in selectors.team_of(transaction)]
    form = DisclosureForm(
        request.POST,
        request.FILES,
        partnership=request.partnership,
        exclude_ids=team_ids,
        today=request.partnership.today(),
    )
    if form.is_valid():
        with refused_into(form) as recording:
            disclosure = records.record_disclosure(
                transaction=transaction, actor=request.member, **form.cleaned_data
            )
        if not recording.refused:
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
    transaction, access = transaction_seen(request, pk)
    disclosure = selectors.disclosure_for(transaction, disclosure_pk)
    refusal = attempt(records.revoke_disclosure, disclosure=disclosure, actor=request.member)
    if refusal:
        return _detail(request, transaction, access, status=400, refusal=refusal.message)
    return _done(
        request,
        transaction,
        f"The authorization for {disclosure.grantee_name} is revoked.",
        "#disclosures",
    )


@member_required
def transaction_disclosure_document(request, pk, disclosure_pk):
    """The signed authorization: for the team and leadership, not for its grantee."""
    transaction, _ = transaction_seen(
        request, pk, seen_on=TransactionAccess.SeenOn.DOWNLOAD, grantees=False
    )
    disclosure = selectors.disclosure_for(transaction, disclosure_pk)
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
