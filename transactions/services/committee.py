"""What every use case on a transaction shares (teams, records, post-close, the customer's link):
the locked row, the seat check, the audit record, and the committee's rules (forming, working
alone, who may take whom off the team).

Every write locks the transaction row first, so two people acting at once are applied one after
the other; the checks read the team inside that lock.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from members.models import Member
from pinnacle.tenancy import record_audit
from pinnacle.text import bounded_text
from transactions.models import COMMITTEE_MINIMUM, TeamMember, Transaction, TransactionStage
from transactions.services import TransactionRefused

TEAM_ONLY = "Only members of this transaction's team can do this."
# A transaction is open until it closes or falls through.
OPEN_STAGES = (TransactionStage.OPENED, TransactionStage.UNDER_CONTRACT)
NO_LONGER_ACTIVE = "You are no longer an active member of this partnership."


def locked(transaction: Transaction, *related: str) -> Transaction:
    """The transaction row with its partnership and lead (and `related`), locked until the
    caller's database transaction ends."""
    # Scoped by the id in hand, not `for_partnership`: callers pass rows reached through a
    # relation (`proposal.transaction`), whose partnership would cost a query of its own just
    # before this one selects it with the row.
    return (
        Transaction.objects.select_for_update(of=("self",))
        .select_related("partnership", "lead", *related)
        .get(pk=transaction.pk, partnership_id=transaction.partnership_id)
    )


def team_ids(transaction: Transaction) -> set[int]:
    """The member ids of the transaction's team committee."""
    return set(
        TeamMember.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .values_list("member_id", flat=True)
    )


def require_seat(transaction: Transaction, actor: Member, refusal: str = TEAM_ONLY) -> set[int]:
    """The team's member ids; refuses anyone without a seat (leadership and grantees too), with
    `refusal` as the message.

    policy: nothing about a customer's transaction leaves its committee; the committee works it
    and speaks to its customer (leadership and authorized parties only look)."""
    team = team_ids(transaction)
    if actor.pk not in team or actor.partnership_id != transaction.partnership_id:
        raise TransactionRefused(refusal)
    if not actor.is_active:
        raise TransactionRefused(NO_LONGER_ACTIVE)
    return team


def active_team_ids(transaction: Transaction) -> set[int]:
    """The member ids of the team who are still active members: who counts for a majority."""
    return set(
        TeamMember.objects.for_partnership(transaction.partnership)
        .filter(
            transaction=transaction,
            member__is_active=True,
        )
        .values_list("member_id", flat=True)
    )


def acting_leader_id(transaction: Transaction) -> int | None:
    """The team leader's id, while they are an active member: an inactive member never leads
    (the team then appoints another). Reads `transaction.leader` (select it with the row)."""
    leader = transaction.leader
    return leader.pk if leader is not None and leader.is_active else None


def referral_member_leads(transaction: Transaction, team) -> bool:
    """Whether the referral partner member leads the team: they are on it (`team`: member ids)
    and still an active member. Reads `transaction.referral_member`."""
    referral = transaction.referral_member
    return referral is not None and referral.pk in team and referral.is_active


def require_leadership(transaction: Transaction, actor: Member, doing: str) -> None:
    """Refuses anyone but an active leader of the transaction's partnership; `doing` says what
    only leadership does ("confirms the handoff meeting")."""
    if not (
        actor.partnership_id == transaction.partnership_id
        and actor.is_active
        and actor.is_leadership
    ):
        raise TransactionRefused(f"Only {transaction.partnership.name} leadership {doing}.")


def require_active_member(transaction: Transaction, member: Member) -> None:
    """Refuses a member of another partnership, or one no longer active."""
    if member.partnership_id != transaction.partnership_id or not member.is_active:
        raise TransactionRefused("Choose an active partner member of this partnership.")


def audit(transaction: Transaction, actor: Member, action: str, summary: str, **data) -> None:
    """The audit record of a member's action on the transaction."""
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


def within(text: str, limit: int, what: str) -> str:
    """`text` stripped, refused past `limit` characters: the services bound what every caller
    (form, admin, shell) may store, not only the forms."""
    return bounded_text(
        text,
        max_length=limit,
        too_long=lambda length: TransactionRefused(
            f"Keep {what} to {limit:,} characters (this has {length:,})."
        ),
    )


def email_address(address: str) -> str:
    """An email address as the database can keep it (254 characters), or a refusal."""
    address = within(address, 254, "the email address")
    if address:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise TransactionRefused(f"\u201c{address}\u201d is not an email address.") from exc
    return address


# --- Committee rules: forming, working alone, who may take whom off ---------------------------

LEADERSHIP_NOT_ON_COMMITTEES = (
    "Administrative leadership is not on transaction committees: it sees every transaction "
    "for its post-close duties, but a team is made of partner members."
)


def is_forming(team_size: int) -> bool:
    """A committee is two or more members; until then the transaction is "forming"."""
    return team_size < COMMITTEE_MINIMUM


def works_alone(transaction: Transaction, team: set[int]) -> bool:
    """Whether a team of one (`team`: member ids) may work the transaction alone: leadership
    confirmed its lone member is the whole team, or that member is the referral partner member.
    Reads `solo_member_id` and `referral_member_id` of the row."""
    if len(team) != 1:
        return False
    (only,) = team
    return only in (transaction.solo_member_id, transaction.referral_member_id)


def stays_forming(transaction: Transaction, team: set[int]) -> bool:
    """policy: a committee is "two or more partner members"; until then the transaction is
    forming and cannot leave its first stage, unless its lone member works alone."""
    return is_forming(len(team)) and not works_alone(transaction, team)


def removable_ids(transaction: Transaction, seats: list[TeamMember], actor: Member) -> set[int]:
    """The member ids among `seats` (the team, with their members) that `actor` may take off
    the team, for the team page (`remove_team_member` decides): the leader takes off any other
    member; anyone on the team takes off a member who is no longer active."""
    if actor.pk not in {seat.member_id for seat in seats} or not actor.is_active:
        return set()
    leader_id = acting_leader_id(transaction)
    return {
        seat.member_id
        for seat in seats
        if not seat.member.is_active or (actor.pk == leader_id and seat.member_id != leader_id)
    }
