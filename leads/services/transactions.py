"""Transactions and their team committees (policy: "Cross-Selling & Creation of a
Transactional Team Committee"). Every write locks the transaction row first, so two members
acting at once are applied one after the other.

Who may write: only members with a seat on the team. Leadership (which sees every transaction
for its post-close duties) and a member named in a customer's written authorization read the
transaction; every service below refuses them, whoever calls it (views, admin, shell).
"""

from __future__ import annotations

import datetime
import decimal
import io
import uuid

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from leads.models import (
    Disclosure,
    Lead,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionDocument,
    TransactionEvent,
    TransactionKind,
    TransactionStage,
)
from leads.services import LeadRefused
from leads.services.events import record_event
from leads.services.postclose import schedule_post_close
from members.models import Member
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

Stage = TransactionStage
Kind = TransactionEvent.Kind

# policy: "a transactional team committee (two or more partner members)".
COMMITTEE_MINIMUM = 2
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_NOTE_LENGTH = 5000
MAX_VALUE = decimal.Decimal("9999999999.99")

# Where a transaction may go from each stage; closed is final.
STAGE_MOVES: dict[str, tuple[str, ...]] = {
    Stage.OPENED: (Stage.UNDER_CONTRACT, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.UNDER_CONTRACT: (Stage.OPENED, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.FELL_THROUGH: (Stage.OPENED,),
    Stage.CLOSED: (),
}

LEADERSHIP_NOT_ON_COMMITTEES = (
    "Administrative leadership is not on transaction committees: it sees every transaction "
    "for its post-close duties, but a team is made of partner members."
)
TEAM_ONLY = "Only members of this transaction's team can do this."


# --- Reading the team (inside a locked transaction) -------------------------------------------


def _locked(transaction: Transaction) -> Transaction:
    """The transaction row, locked until the caller's database transaction ends."""
    return (
        Transaction.objects.select_for_update(of=("self",))
        .select_related("partnership", "lead")
        .get(pk=transaction.pk)
    )


def _team_ids(transaction: Transaction) -> set[int]:
    return set(
        TeamMember.objects.filter(
            partnership_id=transaction.partnership_id, transaction=transaction
        ).values_list("member_id", flat=True)
    )


def _require_seat(transaction: Transaction, actor: Member) -> set[int]:
    """The team's member ids; refuses anyone without a seat (leadership and grantees too)."""
    team = _team_ids(transaction)
    if actor.pk not in team or actor.partnership_id != transaction.partnership_id:
        raise LeadRefused(TEAM_ONLY)
    return team


def is_forming(team_size: int) -> bool:
    """A committee is two or more members; until then the transaction is "forming"."""
    return team_size < COMMITTEE_MINIMUM


def _audit(transaction: Transaction, actor: Member, action: str, summary: str, **data) -> None:
    # Audited against the transaction, never the lead: the lead's timeline is seen by every
    # member, and nothing of a transaction may show there.
    record_audit(
        partnership=transaction.partnership,
        actor=actor.user,
        action=action,
        target=transaction,
        summary=summary,
        data={"member": actor.pk, **data},
    )


def _check_candidate_member(transaction: Transaction, member: Member) -> None:
    if member.partnership_id != transaction.partnership_id or not member.is_active:
        raise LeadRefused("Choose an active partner member of this partnership.")
    if member.is_leadership:
        raise LeadRefused(LEADERSHIP_NOT_ON_COMMITTEES)


def _check_details(*, kind: str, value: decimal.Decimal | None, property_address: str) -> None:
    if kind not in TransactionKind.values:
        raise LeadRefused("Choose the kind of transaction: buy, sell, refinance or other.")
    if value is not None and not (0 <= value <= MAX_VALUE):
        raise LeadRefused("Enter the value as an amount from 0 to 9,999,999,999.99.")
    if len(property_address) > 250:
        raise LeadRefused("Shorten the property address to at most 250 characters.")


# --- Opening and the team ---------------------------------------------------------------------


@db_transaction.atomic
def open_transaction(
    *,
    lead: Lead,
    member: Member,
    kind: str,
    role: str = "",
    property_address: str = "",
    expected_close_on: datetime.date | None = None,
    value: decimal.Decimal | None = None,
) -> Transaction:
    """A member who works the lead opens its transaction; the lead becomes the customer and
    the opener takes the first seat on the team. The lead's referring member at this moment is
    the referral partner member: the team's leader whenever they are on it."""
    if member.partnership_id != lead.partnership_id or not member.is_active:
        raise LeadRefused("Only an active partner member of this partnership can open it.")
    if member.is_leadership:
        raise LeadRefused(LEADERSHIP_NOT_ON_COMMITTEES)
    property_address = property_address.strip()
    _check_details(kind=kind, value=value, property_address=property_address)
    referral_member = lead.referring_member
    transaction = Transaction.objects.create(
        partnership_id=lead.partnership_id,
        lead=lead,
        kind=kind,
        property_address=property_address,
        expected_close_on=expected_close_on,
        value=value,
        referral_member=referral_member,
        # policy: the referral partner member takes up the helm as team leader.
        leader=member if referral_member is not None and referral_member.pk == member.pk else None,
        opened_by=member,
    )
    TeamMember.objects.create(
        partnership_id=lead.partnership_id,
        transaction=transaction,
        member=member,
        role=role.strip()[:80],
        added_by=member,
    )
    kind_label = transaction.get_kind_display().lower()
    summary = f"{member.display_name} opened the {kind_label} transaction"
    if transaction.leader_id:
        summary += " and leads its team as the referral partner member"
    record_event(transaction, Kind.OPENED, summary, actor=member)
    _audit(transaction, member, "transaction.opened", summary, lead=lead.pk)
    return transaction


def _make_leader(transaction: Transaction, member: Member, *, actor: Member, why: str) -> None:
    """Set the leader and end every open proposal (they are moot now)."""
    now = timezone.now()
    transaction.leader = member
    transaction.save(update_fields=["leader"])
    LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
    ).update(closed_at=now)
    summary = f"{member.display_name} leads the team ({why})"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    _audit(transaction, actor, "transaction.leader_set", summary, leader=member.pk)


@db_transaction.atomic
def add_team_member(
    *, transaction: Transaction, actor: Member, member: Member, role: str = ""
) -> TeamMember:
    """A team member adds another partner member to the committee, who is emailed a link to the
    team page. The referral partner member joining becomes the leader."""
    transaction = _locked(transaction)
    team = _require_seat(transaction, actor)
    _check_candidate_member(transaction, member)
    if member.pk in team:
        raise LeadRefused(f"{member.display_name} is already on the team.")
    try:
        with db_transaction.atomic():
            seat = TeamMember.objects.create(
                partnership_id=transaction.partnership_id,
                transaction=transaction,
                member=member,
                role=role.strip()[:80],
                added_by=actor,
            )
    except IntegrityError as exc:
        raise LeadRefused(f"{member.display_name} is already on the team.") from exc
    summary = f"{actor.display_name} added {member.display_name} to the team"
    if seat.role:
        summary += f" as {seat.role}"
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    _audit(transaction, actor, "transaction.member_added", summary, added=member.pk)
    if transaction.referral_member_id == member.pk and transaction.leader_id != member.pk:
        _make_leader(transaction, member, actor=actor, why="the referral partner member")
    member.partnership = transaction.partnership
    queue_email(
        partnership=transaction.partnership,
        key=f"transaction:{transaction.pk}:team-added:{seat.pk}",
        template="leads/team_added",
        to=member.email,
        context={
            "recipient": member,
            "added_by": actor,
            "seat": seat,
            "transaction": transaction,
            "team_url": transaction.partnership.absolute_url(transaction.get_absolute_url()),
        },
        about=transaction,
    )
    return seat


@db_transaction.atomic
def remove_team_member(*, transaction: Transaction, actor: Member, member: Member) -> None:
    """The leader takes a member off the team (never themselves); once past its first stage a
    transaction keeps its committee of two or more."""
    transaction = _locked(transaction)
    team = _require_seat(transaction, actor)
    if transaction.leader_id != actor.pk:
        raise LeadRefused("Only the team leader can take a member off the team.")
    if member.pk == transaction.leader_id:
        raise LeadRefused("The team leader stays on the team.")
    if member.pk not in team:
        raise LeadRefused(f"{member.display_name} is not on the team.")
    if transaction.stage != Stage.OPENED and len(team) <= COMMITTEE_MINIMUM:
        raise LeadRefused(
            "A committee is two or more members: add someone else before taking "
            f"{member.display_name} off the team."
        )
    TeamMember.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, member=member
    ).delete()
    open_proposals = LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
    )
    # Off the team, their agreement no longer counts; a proposal to make them leader ends.
    LeaderAgreement.objects.filter(proposal__in=open_proposals, member=member).delete()
    open_proposals.filter(candidate=member).update(closed_at=timezone.now())
    summary = f"{actor.display_name} took {member.display_name} off the team"
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    _audit(transaction, actor, "transaction.member_removed", summary, removed=member.pk)


# --- The leader -------------------------------------------------------------------------------


def _majority(agreed: int, team_size: int) -> bool:
    # policy: the team self-appoints its leader: more than half of the team (two of two).
    return agreed * 2 > team_size


def _settle_if_agreed(transaction: Transaction, proposal: LeaderProposal, team: set[int]) -> bool:
    agreed = LeaderAgreement.objects.filter(
        partnership_id=transaction.partnership_id, proposal=proposal, member_id__in=team
    ).count()
    if not _majority(agreed, len(team)):
        return False
    now = timezone.now()
    candidate = proposal.candidate
    transaction.leader = candidate
    transaction.save(update_fields=["leader"])
    proposal.settled_at = proposal.closed_at = now
    proposal.save(update_fields=["settled_at", "closed_at"])
    summary = f"{candidate.display_name} leads the team ({agreed} of {len(team)} agreed)"
    record_event(transaction, Kind.LEADER, summary, actor=proposal.proposed_by)
    record_audit(
        partnership=transaction.partnership,
        actor=None,
        action="transaction.leader_settled",
        target=transaction,
        summary=summary,
        data={"leader": candidate.pk, "proposal": proposal.pk, "agreed": agreed},
    )
    return True


def _referral_member_leads(transaction: Transaction, team: set[int]) -> bool:
    return transaction.referral_member_id is not None and transaction.referral_member_id in team


@db_transaction.atomic
def propose_leader(*, transaction: Transaction, actor: Member, candidate: Member) -> LeaderProposal:
    """A team member proposes a leader (themselves or another member of the team). The newest
    proposal is the one open; the proposer agrees by proposing."""
    transaction = _locked(transaction)
    team = _require_seat(transaction, actor)
    if candidate.pk not in team:
        raise LeadRefused(f"{candidate.display_name} is not on the team.")
    if _referral_member_leads(transaction, team):
        raise LeadRefused(
            f"{transaction.referral_member.display_name} is the referral partner member: "
            "they lead this team."
        )
    if transaction.leader_id == candidate.pk:
        raise LeadRefused(f"{candidate.display_name} already leads the team.")
    now = timezone.now()
    LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
    ).update(closed_at=now)
    proposal = LeaderProposal.objects.create(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        candidate=candidate,
        proposed_by=actor,
    )
    LeaderAgreement.objects.create(
        partnership_id=transaction.partnership_id, proposal=proposal, member=actor
    )
    summary = f"{actor.display_name} proposed {candidate.display_name} as team leader"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    _audit(transaction, actor, "transaction.leader_proposed", summary, candidate=candidate.pk)
    _settle_if_agreed(transaction, proposal, team)
    return proposal


@db_transaction.atomic
def agree_to_leader(*, proposal: LeaderProposal, actor: Member) -> bool:
    """A team member agrees to the open proposal; it is settled, once, when more than half of
    the team has agreed. Returns whether this agreement settled it."""
    transaction = _locked(proposal.transaction)
    # Read after the lock: another member's agreement may have settled it meanwhile.
    proposal = LeaderProposal.objects.select_related("candidate", "proposed_by").get(
        pk=proposal.pk, partnership_id=transaction.partnership_id
    )
    team = _require_seat(transaction, actor)
    if proposal.settled_at is not None:
        raise LeadRefused(f"Already settled: {proposal.candidate.display_name} leads the team.")
    if proposal.closed_at is not None:
        raise LeadRefused("This proposal was replaced or withdrawn; see the team page.")
    try:
        with db_transaction.atomic():
            LeaderAgreement.objects.create(
                partnership_id=transaction.partnership_id, proposal=proposal, member=actor
            )
    except IntegrityError as exc:
        raise LeadRefused("You already agreed to this proposal.") from exc
    summary = f"{actor.display_name} agreed to {proposal.candidate.display_name} as team leader"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    _audit(transaction, actor, "transaction.leader_agreed", summary, proposal=proposal.pk)
    return _settle_if_agreed(transaction, proposal, team)


# --- Stage and details ------------------------------------------------------------------------


def allowed_moves(transaction: Transaction) -> tuple[str, ...]:
    return STAGE_MOVES[transaction.stage]


@db_transaction.atomic
def change_stage(
    *,
    transaction: Transaction,
    actor: Member,
    stage: str,
    closed_on: datetime.date | None = None,
) -> Transaction:
    """The team moves the transaction along; closing it needs a leader (who directs
    leadership's post-close duties) and starts the post-close steps in the same transaction."""
    transaction = _locked(transaction)
    team = _require_seat(transaction, actor)
    if stage not in Stage.values:
        raise LeadRefused("Choose a stage: opened, under contract, closed or fell through.")
    if transaction.stage == Stage.CLOSED:
        raise LeadRefused("This transaction is closed; a close is final.")
    if stage == transaction.stage:
        raise LeadRefused(f"The transaction is already {transaction.get_stage_display().lower()}.")
    if is_forming(len(team)):
        raise LeadRefused(
            "A committee is two or more members: until a second member joins, this transaction "
            "is forming and cannot move past its first stage."
        )
    if stage not in STAGE_MOVES[transaction.stage]:
        raise LeadRefused(
            f"A transaction that {transaction.get_stage_display().lower()} can only be reopened."
            if transaction.stage == Stage.FELL_THROUGH
            else "That move is not allowed from this stage."
        )
    previous = transaction.get_stage_display()
    fields = ["stage", "stage_changed_at"]
    if stage == Stage.CLOSED:
        # policy: the leader directs leadership in their post-sale/close duties.
        if transaction.leader_id is None:
            raise LeadRefused(
                "Choose a team leader before closing: the leader directs leadership's "
                "post-close duties."
            )
        today = transaction.partnership.today()
        closed_on = closed_on or today
        if closed_on > today:
            raise LeadRefused("The close date cannot be in the future.")
        transaction.closed_on = closed_on
        fields.append("closed_on")
    transaction.stage = stage
    transaction.stage_changed_at = timezone.now()
    transaction.save(update_fields=fields)
    summary = f"{actor.display_name} moved the transaction from {previous} to "
    summary += transaction.get_stage_display()
    if stage == Stage.CLOSED:
        summary += f" (closed on {date_format(transaction.closed_on)})"
        schedule_post_close(transaction)
    record_event(transaction, Kind.STAGE, summary, actor=actor)
    _audit(transaction, actor, "transaction.stage_changed", summary, stage=stage)
    return transaction


@db_transaction.atomic
def update_transaction_details(
    *,
    transaction: Transaction,
    actor: Member,
    kind: str,
    property_address: str = "",
    expected_close_on: datetime.date | None = None,
    value: decimal.Decimal | None = None,
) -> Transaction:
    """The team corrects what the transaction is about; each change is on its timeline."""
    transaction = _locked(transaction)
    _require_seat(transaction, actor)
    property_address = property_address.strip()
    _check_details(kind=kind, value=value, property_address=property_address)
    new = {
        "kind": kind,
        "property_address": property_address,
        "expected_close_on": expected_close_on,
        "value": value,
    }
    changed = [name for name, v in new.items() if getattr(transaction, name) != v]
    if not changed:
        return transaction
    for name in changed:
        setattr(transaction, name, new[name])
    transaction.save(update_fields=changed)
    labels = {
        "kind": "kind",
        "property_address": "property address",
        "expected_close_on": "expected close date",
        "value": "value",
    }
    summary = f"{actor.display_name} updated the " + ", ".join(labels[n] for n in changed)
    record_event(transaction, Kind.DETAILS, summary, actor=actor)
    _audit(
        transaction,
        actor,
        "transaction.details_updated",
        summary,
        changed={name: str(new[name] if new[name] is not None else "") for name in changed},
    )
    return transaction


# --- Notes and the customer's view of the timeline --------------------------------------------


@db_transaction.atomic
def add_note(
    *, transaction: Transaction, actor: Member, body: str, shared_with_customer: bool = False
) -> TransactionEvent:
    """A team member writes a note on the timeline, shared with the customer or not."""
    transaction = _locked(transaction)
    _require_seat(transaction, actor)
    body = body.strip()
    if not body:
        raise LeadRefused("Write the note before saving it.")
    if len(body) > MAX_NOTE_LENGTH:
        raise LeadRefused(f"Shorten the note to at most {MAX_NOTE_LENGTH} characters.")
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
    transaction = _locked(event.transaction)
    _require_seat(transaction, actor)
    event = TransactionEvent.objects.get(pk=event.pk, transaction=transaction)
    if event.shared_with_customer != shared:
        event.shared_with_customer = shared
        event.save(update_fields=["shared_with_customer"])
        _audit(
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
    its name or the browser's word; refuses anything else and anything over 10 MB."""
    if upload is None:
        raise LeadRefused("Choose the file to upload.")
    if not upload.size:
        raise LeadRefused("The file is empty. Choose the file again.")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise LeadRefused(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB."
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
        raise LeadRefused(WRONG_DOCUMENT_TYPE) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_TYPES:
        raise LeadRefused(WRONG_DOCUMENT_TYPE)
    return IMAGE_TYPES[image_format]


def _stored_name(extension: str) -> str:
    # A random name: what the uploader called the file may itself be confidential.
    return f"{uuid.uuid4().hex}.{extension}"


@db_transaction.atomic
def add_document(
    *, transaction: Transaction, actor: Member, title: str, file
) -> TransactionDocument:
    """A team member keeps a document with the transaction (a PDF or an image, at most
    10 MB), stored privately and served only to those who may see the transaction."""
    transaction = _locked(transaction)
    _require_seat(transaction, actor)
    title = " ".join(title.split())
    if not title:
        raise LeadRefused("Give the document a title.")
    content_type, extension = sniff_document(file)
    document = TransactionDocument(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        title=title[:160],
        content_type=content_type,
        uploaded_by=actor,
    )
    document.file.save(_stored_name(extension), file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file when the row is not stored
        raise
    summary = f"{actor.display_name} added the document \u201c{document.title}\u201d"
    record_event(transaction, Kind.DOCUMENT, summary, actor=actor)
    _audit(transaction, actor, "transaction.document_added", summary, document=document.pk)
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
    valid_until: datetime.date,
    signed_document,
) -> Disclosure:
    """policy: nothing of a customer's transaction goes outside its committee "unless
    explicitly authorized to do so by the customer in writing". A team member records that
    authorization with the signed document; a partner member it names then reads the
    transaction until the authorization ends (`valid_until`, inclusive) or is revoked."""
    transaction = _locked(transaction)
    team = _require_seat(transaction, actor)
    grantee_name = " ".join(grantee_name.split())
    if grantee_member is not None:
        if (
            grantee_member.partnership_id != transaction.partnership_id
            or not grantee_member.is_active
        ):
            raise LeadRefused("Choose an active partner member of this partnership.")
        if grantee_member.pk in team:
            raise LeadRefused(
                f"{grantee_member.display_name} is on the team and sees the transaction already."
            )
        grantee_name = grantee_name or grantee_member.display_name
        grantee_email = grantee_email or grantee_member.email
    if not grantee_name:
        raise LeadRefused("Say to whom the customer authorized the disclosure.")
    scope = scope.strip()
    if not scope:
        raise LeadRefused("Say what the customer authorized you to disclose.")
    if valid_until is None or valid_until < transaction.partnership.today():
        raise LeadRefused("The authorization must run until today or a later date.")
    if signed_document is None:
        raise LeadRefused("Upload the customer's signed authorization.")
    _, extension = sniff_document(signed_document)
    disclosure = Disclosure(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        grantee_name=grantee_name[:160],
        grantee_email=grantee_email.strip(),
        grantee_member=grantee_member,
        scope=scope,
        valid_until=valid_until,
        recorded_by=actor,
    )
    disclosure.signed_document.save(_stored_name(extension), signed_document, save=False)
    try:
        disclosure.save()
    except Exception:
        disclosure.signed_document.delete(save=False)
        raise
    summary = (
        f"{actor.display_name} recorded the customer's written authorization to disclose to "
        f"{disclosure.grantee_name} until {date_format(valid_until)}"
    )
    record_event(transaction, Kind.DISCLOSURE, summary, actor=actor, body=scope)
    _audit(
        transaction,
        actor,
        "transaction.disclosure_recorded",
        summary,
        disclosure=disclosure.pk,
        grantee_member=grantee_member.pk if grantee_member else None,
    )
    return disclosure


@db_transaction.atomic
def revoke_disclosure(*, disclosure: Disclosure, actor: Member) -> Disclosure:
    """The authorization ends now (the customer withdrew it, or it was recorded in error):
    its grantee sees nothing more of the transaction."""
    transaction = _locked(disclosure.transaction)
    _require_seat(transaction, actor)
    disclosure = Disclosure.objects.select_for_update().get(
        pk=disclosure.pk, transaction=transaction
    )
    if disclosure.revoked_at is not None:
        raise LeadRefused(f"The authorization for {disclosure.grantee_name} was already revoked.")
    disclosure.revoked_at = timezone.now()
    disclosure.revoked_by = actor
    disclosure.save(update_fields=["revoked_at", "revoked_by"])
    summary = f"{actor.display_name} revoked the disclosure to {disclosure.grantee_name}"
    record_event(transaction, Kind.DISCLOSURE, summary, actor=actor)
    _audit(transaction, actor, "transaction.disclosure_revoked", summary, disclosure=disclosure.pk)
    return disclosure
