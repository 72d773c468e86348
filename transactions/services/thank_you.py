"""The post-close thank-you letter (policy: "mail/email a personalized thank you letter"): the
portal drafts it, the leader personalizes its personal part (what the policy requires is added
from the records, `transactions.letters`), then emails it to the customer and/or prints and mails it
to its mailing address; either completes the post-close letter step.

Every use case locks the transaction row first and refuses all but the transaction's leader.
"""

from __future__ import annotations

from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from pinnacle.formats import when
from pinnacle.mail.services import MailRefused, queue_email
from pinnacle.text import bounded_text
from transactions.letters import default_mailing_address, draft_letter_text, letter_text
from transactions.models import PostCloseStep, ThankYouLetter, Transaction
from transactions.services import TransactionRefused
from transactions.services.committee import within
from transactions.services.events import record_event
from transactions.services.postclose import POST_CLOSE, complete_step, locked_closed, require_leader

Kind = PostCloseStep.Kind


MAILING_ADDRESS_MAX = 300


def draft_letter(*, transaction: Transaction) -> ThankYouLetter:
    """The transaction's letter, drafted by the portal the first time it is asked for."""
    letter, _ = ThankYouLetter.objects.get_or_create(
        transaction=transaction,
        defaults={
            "partnership_id": transaction.partnership_id,
            "body": "",
            "mailing_address": default_mailing_address(transaction),
        },
    )
    if not letter.body:
        letter.body = draft_letter_text(transaction)
        letter.save(update_fields=["body", "updated_at"])
    letter.transaction = transaction
    return letter


def _letter_for_leader(transaction: Transaction, actor: Member, doing: str) -> ThankYouLetter:
    transaction = locked_closed(transaction)
    require_leader(transaction, actor, doing)
    letter = draft_letter(transaction=transaction)
    return (
        ThankYouLetter.objects.select_for_update(of=("self",))
        .select_related("transaction__lead", "transaction__leader__user", "partnership")
        .get(pk=letter.pk)
    )


def clean_mailing_address(address: str) -> str:
    """The address as it prints: its lines trimmed, blank ones dropped."""
    return "\n".join(line.strip() for line in address.splitlines() if line.strip())


def _change_address(letter: ThankYouLetter, address: str) -> list[str]:
    """Set the letter's mailing address; the fields changed (none if it is the same)."""
    address = clean_mailing_address(address)
    if address == letter.mailing_address:
        return []
    if letter.mailed_at is not None:
        raise TransactionRefused(
            "The printed letter was already mailed to this address; it can no longer be changed."
        )
    address = bounded_text(
        address,
        max_length=MAILING_ADDRESS_MAX,
        too_long=lambda length: TransactionRefused(
            f"Keep the mailing address to {MAILING_ADDRESS_MAX} characters; it has {length}."
        ),
    )
    letter.mailing_address = address
    return ["mailing_address"]


@db_transaction.atomic
def edit_letter(
    *, transaction: Transaction, actor: Member, body: str, mailing_address: str | None = None
) -> ThankYouLetter:
    """The leader personalizes the letter's personal part and, unless `mailing_address` is None,
    sets where the printed letter goes. Once emailed or mailed, its text is what the customer
    has; the address can change until the printed letter is mailed."""
    letter = _letter_for_leader(transaction, actor, "edits the thank-you letter")
    body = within(body, 10_000, "the letter")
    changed = []
    if body != letter.body:
        if letter.is_final:
            raise TransactionRefused(
                "The letter has gone out to the customer; it can no longer be changed."
            )
        if not body:
            raise TransactionRefused("Write the letter before saving it.")
        letter.body = body
        changed.append("body")
    if mailing_address is not None:
        changed += _change_address(letter, mailing_address)
    if changed:
        letter.edited_by = actor
        letter.save(update_fields=[*changed, "edited_by", "updated_at"])
    return letter


@db_transaction.atomic
def set_mailing_address(
    *, transaction: Transaction, actor: Member, mailing_address: str
) -> ThankYouLetter:
    """The leader says where the printed letter goes (after emailing it too: the policy allows
    both), until it is recorded as mailed."""
    letter = _letter_for_leader(transaction, actor, "addresses the printed letter")
    if changed := _change_address(letter, mailing_address):
        letter.edited_by = actor
        letter.save(update_fields=[*changed, "edited_by", "updated_at"])
    return letter


@db_transaction.atomic
def send_letter(*, transaction: Transaction, actor: Member) -> ThankYouLetter:
    """The leader emails the letter to the customer, once: from the leader (Reply-To them),
    with the partnership's seal and website. This completes the letter step. When the mail
    pipeline refuses the address, nothing is sent and the reason is given: the printed letter
    remains."""
    letter = _letter_for_leader(transaction, actor, "sends the thank-you letter")
    transaction = letter.transaction
    lead = transaction.lead
    partnership = transaction.partnership
    if letter.sent_at is not None:
        raise TransactionRefused(
            f"The letter was already emailed to {lead.name} on {when(letter.sent_at, partnership)}."
        )
    try:
        queue_email(
            partnership=partnership,
            key=f"thank-you:transaction:{transaction.pk}",
            template="leads/thank_you_letter",
            to=lead.email,
            context={
                "letter": letter,
                "text": letter_text(letter),
                "lead": lead,
                "member": actor,
                "transaction": transaction,
            },
            sender_name=actor.display_name,
            reply_to=actor.email,
            # About the transaction, never its lead: every member reads a lead's timeline.
            about=transaction,
        )
    except MailRefused as refusal:
        raise TransactionRefused(
            f"{refusal.message} Print the letter and mail it instead, then record that it was "
            "mailed."
        ) from refusal
    now = timezone.now()
    letter.sent_at = now
    letter.sent_by = actor
    letter.save(update_fields=["sent_at", "sent_by", "updated_at"])
    complete_step(transaction, Kind.THANK_YOU_LETTER, actor, now)
    record_event(transaction, POST_CLOSE, f"Thank-you letter emailed to {lead.name}", actor=actor)
    return letter


@db_transaction.atomic
def record_letter_mailed(*, transaction: Transaction, actor: Member) -> ThankYouLetter:
    """The leader mailed the printed letter (policy: "mail/email") to its mailing address: the
    letter step is done."""
    letter = _letter_for_leader(transaction, actor, "records the mailed thank-you letter")
    transaction = letter.transaction
    if letter.mailed_at is not None:
        raise TransactionRefused(
            "The printed letter was already recorded as mailed on "
            f"{when(letter.mailed_at, transaction.partnership)}."
        )
    if not letter.mailing_address:
        raise TransactionRefused(
            "Add the mailing address before recording the printed letter as mailed: the "
            f"letter to {transaction.lead.name} is printed with it."
        )
    now = timezone.now()
    letter.mailed_at = now
    letter.mailed_by = actor
    letter.save(update_fields=["mailed_at", "mailed_by", "updated_at"])
    complete_step(transaction, Kind.THANK_YOU_LETTER, actor, now)
    record_event(
        transaction,
        POST_CLOSE,
        f"Printed thank-you letter mailed to {transaction.lead.name}",
        actor=actor,
    )
    return letter
