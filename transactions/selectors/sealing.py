"""Free text about the customer on the lead's timeline, sealed to its committee.

The confidentiality rule (`sight`) holds for what is written about the customer, too: from a
transaction's opening, the free text its team members write on the lead's timeline (call notes,
"they replied" notes, decision and cross-selling notes, answers to inquiries), what the customer
writes to one of them, and the subjects of their emails to the customer are the committee's.

- sealed_seats: whose writing about a lead the viewer may not read, and from when.
- free_text_sealed, email_sealed: the same, as an annotation of a timeline row's own query.
- LeadSealing, lead_sealing: the same, read once for a whole page (one query), then as cheap
  annotations of every timeline source's query.
- worked_transaction_ids, TRANSACTION_TEMPLATES: whose transaction emails the viewer may read.
- CONFIDENTIALITY: all of it, as leads' timeline and leads list ask for it
  (`leads.extensions.confidentiality()`, registered from TransactionsConfig.ready()).
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from leads.extensions import Confidentiality
from leads.models import Lead
from members.models import Member
from transactions.models import TeamMember, Transaction
from transactions.selectors.sight import (
    Cover,
    lead_transactions_seen,
    live_disclosures,
    on_team,
)


def sealed_seats(lead: Lead | int, viewer: Member) -> QuerySet[TeamMember]:
    """Whose free text about `lead` the viewer may not read, and from when: each seat names a
    member (`member`) whose writing about the lead from their transaction's opening
    (`transaction__created_at`) on is not the viewer's. None for leadership.

    policy: nothing "involving any customer or customer transaction" goes outside its
    committee unless the customer authorized it in writing. A seat seals its member's writing
    unless the viewer sits on that transaction's team or holds a live authorization of it that
    covers notes; an author who also sits with the viewer on another of the lead's
    transactions (or on one whose notes the viewer may read) writes to a committee of the
    viewer's and is not sealed."""
    if viewer.is_leadership:
        return TeamMember.objects.none()
    reads_notes = Q(on_team(viewer, "transaction")) | Q(
        Exists(
            live_disclosures(viewer).filter(
                transaction=OuterRef("transaction"), covers__contains=[Cover.NOTES]
            )
        )
    )
    seats = TeamMember.objects.for_partnership(viewer.partnership).filter(transaction__lead=lead)
    return seats.exclude(reads_notes).exclude(
        member__in=seats.filter(reads_notes).values("member_id")
    )


def free_text_sealed(lead: Lead | int, viewer: Member, *, author: str, at: str) -> Exists | Value:
    """Whether a timeline row's free text is hidden from the viewer, as an annotation of the
    row's own query (no query of its own): the row, about `lead`, was written by the member
    its field `author` names (for the customer's own message: the member it is addressed
    to), at the moment its field `at` names, from a sealed seat's opening on
    (`sealed_seats`). The row itself still shows where the viewer may see it."""
    if viewer.is_leadership:
        return Value(False, output_field=BooleanField())
    return Exists(
        sealed_seats(lead, viewer).filter(
            member=OuterRef(author), transaction__created_at__lte=OuterRef(at)
        )
    )


def email_sealed(
    lead: Lead | int, viewer: Member, *, at: str = "created_at", reply_to: str = "reply_to"
) -> Exists | Value:
    """Whether an email's subject (an `OutboxMessage` row about `lead`) is hidden from the
    viewer, as an annotation of the row's own query: the email was written by a sealed seat's
    member (`sealed_seats`), known by its reply-to being their address (member-written mail
    replies to its author: the field `reply_to`), and sent from their transaction's opening on
    (its field `at`).
    The entry itself still shows where the viewer may see it."""
    if viewer.is_leadership:
        return Value(False, output_field=BooleanField())
    return Exists(
        sealed_seats(lead, viewer).filter(
            member__user__email__iexact=OuterRef(reply_to),
            transaction__created_at__lte=OuterRef(at),
        )
    )


@dataclass(frozen=True)
class LeadSealing:
    """The sealed seats of one lead for one viewer (`sealed_seats`), read once: (member id,
    their address, their transaction's opening). Its annotations say the same as
    `free_text_sealed` and `email_sealed` with the seats written in: no subquery for the
    database to run per row, nor for Django to build per timeline source."""

    seats: tuple[tuple[int, str, datetime.datetime], ...] = ()

    def free_text_sealed(self, *, author: str, at: str) -> Case | Value:
        return _any_of(
            Q(**{author: member, f"{at}__gte": opened}) for member, _, opened in self.seats
        )

    def email_sealed(self, *, at: str = "created_at", reply_to: str = "reply_to") -> Case | Value:
        return _any_of(
            Q(**{f"{reply_to}__iexact": address, f"{at}__gte": opened})
            for _, address, opened in self.seats
        )


def _any_of(conditions) -> Case | Value:
    conditions = list(conditions)
    if not conditions:
        return Value(False, output_field=BooleanField())
    return Case(
        When(reduce(operator.or_, conditions), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def lead_sealing(lead: Lead, viewer: Member) -> LeadSealing:
    """The lead's sealed seats for the viewer, for a whole page (one query; none for
    leadership, from whom nothing is sealed)."""
    if viewer.is_leadership:
        return LeadSealing()
    seats = sealed_seats(lead, viewer).values_list(
        "member_id", "member__user__email", "transaction__created_at"
    )
    return LeadSealing(tuple(seats))


# The emails of a lead's transactions (its team, the post-close steps, the letter, the
# customer's link): confidential to the committee and leadership, whatever they were filed
# against. (Their templates keep the names they were sent under: emails/leads/….)
TRANSACTION_TEMPLATES = tuple(
    f"leads/{name}"
    for name in (
        "thank_you_letter",
        "client_interaction",
        "post_close_",
        "customer_link",
        "team_added",
    )
)


def worked_transaction_ids(lead: Lead, viewer: Member) -> list[int]:
    """The ids of the lead's transactions whose emails the viewer may read: their committee's,
    and every one for leadership. (A member named in a customer's authorization reads what it
    covers on the transaction's pages, never its emails.) The page's one read of the lead's
    transactions (`lead_transactions_seen`)."""
    return [
        transaction.pk
        for transaction, sight in lead_transactions_seen(lead, viewer)
        if viewer.is_leadership or sight.is_team
    ]


CONFIDENTIALITY = Confidentiality(
    free_text_sealed=free_text_sealed,
    email_sealed=email_sealed,
    worked_transaction_ids=worked_transaction_ids,
    transaction_model=Transaction,
    sealing=lead_sealing,
    templates=TRANSACTION_TEMPLATES,
)
