"""A transaction's records, kept by its team committee: notes on its timeline (and which
entries the customer sees), documents, and the customer's written authorizations to disclose.

Only members with a seat on the team write them; leadership and a member named in a written
authorization read the transaction and are refused here, whoever calls (views, admin, shell).
Every write locks the transaction row first (`committee.locked`).
"""

from __future__ import annotations

import datetime
import io
import uuid

from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from members.models import Member
from pinnacle.mail.services import queue_email
from pinnacle.text import bounded_text
from transactions.models import (
    Disclosure,
    DisclosureCover,
    Transaction,
    TransactionDocument,
    TransactionEvent,
)
from transactions.services import TransactionRefused
from transactions.services.committee import (
    audit,
    email_address,
    locked,
    require_active_member,
    require_seat,
    within,
)
from transactions.services.events import record_event

Kind = TransactionEvent.Kind

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_NOTE_LENGTH = 5000


# --- Notes and the customer's view of the timeline --------------------------------------------


@db_transaction.atomic
def add_note(
    *, transaction: Transaction, actor: Member, body: str, shared_with_customer: bool = False
) -> TransactionEvent:
    """A team member writes a note on the timeline, shared with the customer or not."""
    transaction = locked(transaction)
    require_seat(transaction, actor)
    body = bounded_text(
        body,
        max_length=MAX_NOTE_LENGTH,
        too_long=lambda _: TransactionRefused(
            f"Shorten the note to at most {MAX_NOTE_LENGTH} characters."
        ),
    )
    if not body:
        raise TransactionRefused("Write the note before saving it.")
    return record_event(
        transaction,
        Kind.NOTE,
        f"Note from {actor.display_name}",
        actor=actor,
        body=body,
        shared_with_customer=shared_with_customer,
    )


@db_transaction.atomic
def set_event_shared(*, event: TransactionEvent, actor: Member, shared: bool) -> TransactionEvent:
    """The team decides which timeline entries the customer sees on their read-only page."""
    transaction = locked(event.transaction)
    require_seat(transaction, actor)
    event = TransactionEvent.objects.get(pk=event.pk, transaction=transaction)
    if event.shared_with_customer != shared:
        event.shared_with_customer = shared
        event.save(update_fields=["shared_with_customer"])
        audit(
            transaction,
            actor,
            "transaction.event_shared" if shared else "transaction.event_unshared",
            f"{actor.display_name} {'shared' if shared else 'stopped sharing'} "
            f"\u201c{event.summary}\u201d with the customer",
            event=event.pk,
        )
    return event


# --- Documents and the customer's written authorizations --------------------------------------

WRONG_DOCUMENT_TYPE = "Upload a PDF or an image (JPEG, PNG, WebP, GIF or TIFF)."
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
    "TIFF": ("image/tiff", "tif"),
}


def sniff_document(upload) -> tuple[str, str]:
    """(content type, extension) of an uploaded PDF or image, judged by its bytes, never by
    its name or the browser's word; refuses anything else and anything over 10 MB. A missing,
    empty or oversized upload is the `file` field's refusal; a wrong kind is the whole form's."""
    if upload is None:
        raise TransactionRefused("Choose the file to upload.", field="file")
    if not upload.size:
        raise TransactionRefused("The file is empty. Choose the file again.", field="file")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise TransactionRefused(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
            field="file",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    try:
        with Image.open(io.BytesIO(upload.read())) as probe:
            image_format = probe.format
            probe.verify()
    except Exception as exc:  # Pillow raises many kinds on what is not an image it knows
        raise TransactionRefused(WRONG_DOCUMENT_TYPE) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_TYPES:
        raise TransactionRefused(WRONG_DOCUMENT_TYPE)
    return IMAGE_TYPES[image_format]


def _save_with_file(row, field_file, upload, extension: str) -> None:
    """Store the upload privately, then the row; no orphan file when the row is not stored."""
    # A random name: what the uploader called the file may itself be confidential.
    field_file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        row.save()
    except Exception:
        field_file.delete(save=False)
        raise


@db_transaction.atomic
def add_document(
    *, transaction: Transaction, actor: Member, title: str, file
) -> TransactionDocument:
    """A team member keeps a document with the transaction (a PDF or an image, at most
    10 MB), stored privately and served only to those who may see the transaction."""
    transaction = locked(transaction)
    require_seat(transaction, actor)
    title = " ".join(title.split())
    if not title:
        raise TransactionRefused("Give the document a title.")
    content_type, extension = sniff_document(file)
    document = TransactionDocument(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        title=title[:160],
        content_type=content_type,
        uploaded_by=actor,
    )
    _save_with_file(document, document.file, file, extension)
    summary = f"{actor.display_name} added the document \u201c{document.title}\u201d"
    record_event(transaction, Kind.DOCUMENT, summary, actor=actor)
    audit(transaction, actor, "transaction.document_added", summary, document=document.pk)
    return document


@db_transaction.atomic
def record_disclosure(
    *,
    transaction: Transaction,
    actor: Member,
    grantee_name: str,
    grantee_email: str = "",
    grantee_member: Member | None = None,
    scope: str,
    covers: list[str],
    valid_until: datetime.date,
    signed_document,
) -> Disclosure:
    """policy: nothing of a customer's transaction goes outside its committee "unless
    explicitly authorized to do so by the customer in writing". A team member records that
    authorization with the signed document: `scope` in the customer's words, `covers` what of
    the transaction it lets its grantee read. A partner member it names then reads that (and
    only that) until the authorization ends (`valid_until`, inclusive) or is revoked, and is
    emailed what they may read, until when, and the link."""
    transaction = locked(transaction)
    team = require_seat(transaction, actor)
    grantee_name, grantee_email = _grantee(
        transaction=transaction,
        team=team,
        grantee_name=grantee_name,
        grantee_email=grantee_email,
        grantee_member=grantee_member,
    )
    scope = within(scope, 5000, "what the customer authorized")
    if not scope:
        raise TransactionRefused("Say what the customer authorized you to disclose.")
    covers = _checked_covers(covers)
    if valid_until is None or valid_until < transaction.partnership.today():
        raise TransactionRefused("The authorization must run until today or a later date.")
    if signed_document is None:
        raise TransactionRefused("Upload the customer's signed authorization.")
    _, extension = sniff_document(signed_document)
    disclosure = Disclosure(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        grantee_name=grantee_name[:160],
        grantee_email=grantee_email.strip(),
        grantee_member=grantee_member,
        scope=scope,
        covers=covers,
        valid_until=valid_until,
        recorded_by=actor,
    )
    _save_with_file(disclosure, disclosure.signed_document, signed_document, extension)
    _log_disclosure(transaction=transaction, disclosure=disclosure, actor=actor)
    if grantee_member is not None:
        _tell_grantee(disclosure, grantee_member, "disclosure_granted")
    return disclosure


def _log_disclosure(*, transaction: Transaction, disclosure: Disclosure, actor: Member) -> None:
    """The recorded authorization on the transaction's timeline and in the audit log."""
    summary = (
        f"{actor.display_name} recorded the customer's written authorization to disclose to "
        f"{disclosure.grantee_name} until {date_format(disclosure.valid_until)}"
    )
    record_event(transaction, Kind.DISCLOSURE, summary, actor=actor, body=disclosure.scope)
    audit(
        transaction,
        actor,
        "transaction.disclosure_recorded",
        summary,
        disclosure=disclosure.pk,
        grantee_member=disclosure.grantee_member_id,
        covers=disclosure.covers,
    )


def _grantee(
    *,
    transaction: Transaction,
    team: set[int],
    grantee_name: str,
    grantee_email: str,
    grantee_member: Member | None,
) -> tuple[str, str]:
    """The name and email the authorization is recorded for: a partner member it names (not on
    the team) fills in what the form left empty."""
    grantee_name = " ".join(grantee_name.split())
    if grantee_member is not None:
        require_active_member(transaction, grantee_member)
        if grantee_member.pk in team:
            raise TransactionRefused(
                f"{grantee_member.display_name} is on the team and sees the transaction already."
            )
        grantee_name = grantee_name or grantee_member.display_name
        grantee_email = grantee_email or grantee_member.email
    grantee_email = email_address(grantee_email)
    if not grantee_name:
        raise TransactionRefused("Say to whom the customer authorized the disclosure.")
    return grantee_name, grantee_email


def _checked_covers(covers: list[str]) -> list[str]:
    """What the authorization lets its grantee read, in the form's order."""
    if not covers:
        raise TransactionRefused("Tick what the customer authorized them to read.")
    if any(cover not in DisclosureCover.values for cover in covers):
        raise TransactionRefused("Tick only what the form offers to read.")
    return [cover for cover in DisclosureCover.values if cover in covers]


def _tell_grantee(disclosure: Disclosure, grantee: Member, template: str) -> None:
    """The member named in an authorization hears that it started or ended: the customer's
    name and the kind of transaction (which one it is), what they may read, until when, the
    link. Nothing else of the transaction, whatever the authorization covers: an email is
    easily forwarded, the page is behind the sign-in and logs every look."""
    transaction = disclosure.transaction
    partnership = transaction.partnership
    queue_email(
        partnership=partnership,
        key=f"transaction:{transaction.pk}:{template.replace('_', '-')}:{disclosure.pk}",
        template=f"leads/{template}",
        to=grantee.email,
        context={
            "recipient": grantee,
            "customer_name": transaction.lead.name,
            "kind": transaction.get_kind_display().lower(),
            "may_read": disclosure.cover_labels,
            "valid_until": disclosure.valid_until,
            "page_url": partnership.absolute_url(transaction.get_absolute_url()),
        },
        about=transaction,
    )


@db_transaction.atomic
def revoke_disclosure(*, disclosure: Disclosure, actor: Member) -> Disclosure:
    """The authorization ends now (the customer withdrew it, or it was recorded in error):
    its grantee sees nothing more of the transaction."""
    transaction = locked(disclosure.transaction)
    require_seat(transaction, actor)
    disclosure = (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("grantee_member__user")
        .get(pk=disclosure.pk, transaction=transaction)
    )
    if disclosure.revoked_at is not None:
        raise TransactionRefused(
            f"The authorization for {disclosure.grantee_name} was already revoked."
        )
    disclosure.revoked_at = timezone.now()
    disclosure.revoked_by = actor
    disclosure.save(update_fields=["revoked_at", "revoked_by"])
    summary = f"{actor.display_name} revoked the disclosure to {disclosure.grantee_name}"
    record_event(transaction, Kind.DISCLOSURE, summary, actor=actor)
    audit(transaction, actor, "transaction.disclosure_revoked", summary, disclosure=disclosure.pk)
    disclosure.transaction = transaction
    if disclosure.grantee_member is not None:
        _tell_grantee(disclosure, disclosure.grantee_member, "disclosure_revoked")
    return disclosure
