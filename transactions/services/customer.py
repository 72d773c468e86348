"""The customer's read-only page of their transaction (policy: "100% Zero Fail Transparency"
with the customer, within "Confidentiality of Transactions").

A team member emails the customer a signed, expiring link to a page showing the team with
their contact details, the stage, and the timeline entries the team shares with them. The team
can end every link sent so far at once (a forwarded email, a shared computer).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction as db_transaction
from django.db.models import F
from django.utils import timezone

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import blocking_suppression, queue_email
from pinnacle.once import just_made
from transactions.models import Transaction, TransactionEvent
from transactions.services import TransactionRefused
from transactions.services.committee import audit, locked, require_seat
from transactions.services.events import record_event
from transactions.tokens import customer_link_days, customer_url

CUSTOMER_LINK_TEMPLATE = "leads/customer_link"


def _link_emails(transaction: Transaction):
    """The emails that carried a link of the transaction's current version (each send's key
    names the version; revoking starts a new one)."""
    return OutboxMessage.objects.for_partnership(transaction.partnership).filter(
        content_type=ContentType.objects.get_for_model(Transaction),
        object_id=transaction.pk,
        template=CUSTOMER_LINK_TEMPLATE,
        idempotency_key__startswith=(
            f"customer-link:{transaction.pk}:v{transaction.customer_link_version}:"
        ),
    )


def has_live_links(transaction: Transaction) -> bool:
    """Whether a link of the current version was sent: something to revoke."""
    return _link_emails(transaction).exists()


@db_transaction.atomic
def send_customer_link(*, transaction: Transaction, actor: Member) -> OutboxMessage:
    """A team member emails the customer (the lead) the link to their transaction's page, from
    the member (Reply-To them). Sending again sends a fresh email with a link of the current
    version; earlier links keep working until they expire or are revoked. A send within the
    double-submit window (`pinnacle.once`) of the last one of the same version returns that one
    instead."""
    transaction = locked(transaction)
    require_seat(
        transaction,
        actor,
        "Only a member of the transaction's team can send the customer their page.",
    )
    lead, partnership = transaction.lead, transaction.partnership
    _refuse_a_suppressed_address(transaction)
    now = timezone.now()
    # Under the transaction's lock: a second send right after the first (a double click, even
    # across a second's turn) is the same message, nothing more is sent or recorded.
    if just_sent := just_made(_link_emails(transaction)):
        return just_sent
    days = customer_link_days()
    message = queue_email(
        partnership=partnership,
        # Each send is its own message, keyed by the link version it carries.
        key=f"customer-link:{transaction.pk}:v{transaction.customer_link_version}:"
        f"{now:%Y%m%dT%H%M%S.%f}",
        template=CUSTOMER_LINK_TEMPLATE,
        to=lead.email,
        context={
            "lead": lead,
            "transaction": transaction,
            "member": actor,
            "customer_url": customer_url(transaction),
            "valid_days": days,
            "valid_until": partnership.localtime(now + datetime.timedelta(days=days)).date(),
        },
        sender_name=actor.display_name,
        reply_to=actor.email,
        # About the transaction, not the lead: the leads timeline shows a lead's emails to every
        # member, and this one is confidential to the committee.
        about=transaction,
    )
    record_event(
        transaction,
        TransactionEvent.Kind.EMAIL,
        f"{actor.display_name} emailed {lead.name} the link to their transaction page",
        actor=actor,
    )
    audit(
        transaction,
        actor,
        "transaction.customer_link_sent",
        f"Customer link sent for transaction {transaction.pk}",
    )
    return message


def _refuse_a_suppressed_address(transaction: Transaction) -> None:
    """No link goes to an address that bounced or marked the partnership's email as spam."""
    lead, partnership = transaction.lead, transaction.partnership
    if found := blocking_suppression(
        partnership=partnership,
        email=lead.email,
        category=OutboxMessage.Category.TRANSACTIONAL,
    ):
        why = "bounced" if found.reason == found.Reason.BOUNCED else "was marked as spam"
        raise TransactionRefused(
            f"Email to {lead.email} {why}: no email from {partnership.name} goes to it, "
            "so the link was not sent."
        )


@db_transaction.atomic
def revoke_customer_links(*, transaction: Transaction, actor: Member) -> Transaction:
    """End every link to the customer's page sent so far; a link sent afterwards works."""
    transaction = locked(transaction)
    require_seat(
        transaction,
        actor,
        "Only a member of the transaction's team can revoke the customer's links.",
    )
    Transaction.objects.filter(pk=transaction.pk).update(
        customer_link_version=F("customer_link_version") + 1
    )
    transaction.refresh_from_db(fields=["customer_link_version"])
    record_event(
        transaction,
        TransactionEvent.Kind.EMAIL,
        f"{actor.display_name} revoked the links sent to the customer",
        actor=actor,
    )
    audit(
        transaction,
        actor,
        "transaction.customer_links_revoked",
        f"Customer links revoked for transaction {transaction.pk}",
        version=transaction.customer_link_version,
    )
    return transaction
