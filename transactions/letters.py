"""The post-close thank-you letter: the portal's draft and the text the policy requires (the
printable PDF is `transactions.letter_pdf`, so that ReportLab is imported only where a PDF is made).

policy: "mail/email a personalized thank you letter to the customer following the required format
along with the required Pinnacle Partnerships logo, etc., and referencing their offer to help them
again with their next real estate need whether transactional or informational (a transfer of
knowledge). Additionally, the letter must ask for a referral whereby the partner member offers to
help someone that they might think needs the specialization of the partner member."

The leader edits the personal part (greeting, thanks, their own words). What the policy requires
is added from the records, so no edit can drop it: the letterhead (seal, partnership name,
website), the offer of help with the next need "whether transactional or informational", the
referral request naming the leader's specialization, the sign-off, and the signature with the
leader's contact details. The printed letter is addressed to the letter's mailing address.
"""

from __future__ import annotations

import datetime

from members.models import Member
from pinnacle.models import Partnership
from transactions.models import ThankYouLetter, Transaction, TransactionKind

_WHAT_THEY_DID: dict[str, str] = {
    TransactionKind.BUY: "home purchase",
    TransactionKind.SELL: "home sale",
    TransactionKind.REFINANCE: "refinance",
}


SIGN_OFF = "Warm regards,"


def draft_letter_text(transaction: Transaction) -> str:
    """The personal part of the letter as the portal drafts it for the leader to personalize:
    the greeting and the thanks (the required paragraphs follow it, from `required_paragraphs`).
    """
    partnership = transaction.partnership
    what = _WHAT_THEY_DID.get(transaction.kind, "transaction")
    where = f" of {transaction.property_address}" if transaction.property_address else ""
    return "\n\n".join(
        [
            f"Dear {transaction.lead.name},",
            f"Thank you for trusting me and the {partnership.name} team with your {what}{where}. "
            "It was a pleasure working with you, and congratulations on your closing.",
        ]
    )


def required_paragraphs(transaction: Transaction) -> list[str]:
    """What every letter says after the leader's part, from the records: the offer of help with
    the next real-estate need, "whether transactional or informational", and the referral
    request naming the leader's specialization (policy)."""
    partnership = transaction.partnership
    leader = transaction.leader
    specialization = (leader.specialization_statement if leader else "real estate").rstrip(".")
    return [
        "Our work together does not end at the closing table. Whenever you have your next "
        "real-estate need, whether transactional or informational, I am here to help: a "
        "question about your home or the market, a trusted professional for a project, or "
        "your next move. Just call or write.",
        f"As a {partnership.name} partner member, I specialize in {specialization}. "
        "If you know someone who could use that help, a family member, a friend or a "
        "colleague, I would be grateful for the introduction, and I will take the same care "
        "of them that I took of you.",
    ]


def closing_paragraphs(transaction: Transaction) -> list[str]:
    """Everything after the leader's part and before the signature."""
    return [*required_paragraphs(transaction), SIGN_OFF]


def letter_text(letter: ThankYouLetter) -> str:
    """The whole letter as the customer reads it, the signature aside."""
    return "\n\n".join([letter.body.strip(), *closing_paragraphs(letter.transaction)])


def default_mailing_address(transaction: Transaction) -> str:
    """Where a printed letter goes unless the leader says otherwise: after a purchase, the
    customer's new home; otherwise unknown (the leader types it)."""
    if transaction.kind == TransactionKind.BUY:
        return transaction.property_address.strip()
    return ""


def signature_lines(member: Member | None, partnership: Partnership) -> list[str]:
    """The leader's signature with their contact details, and the partnership's name and
    website (what the email's signature block shows, as lines for the PDF)."""
    lines = []
    if member is not None:
        lines.append(
            member.display_name + (f", {member.job_title}" if member.job_title.strip() else "")
        )
        if member.company is not None:
            lines.append(member.company.name)
        if member.cell_phone:
            lines.append(f"Cell {member.cell_phone}")
        if member.office_phone:
            lines.append(f"Office {member.office_phone}")
        lines.append(member.email)
    lines.append(f"{partnership.name} partner member \u00b7 {partnership.website_url}")
    return lines


def letter_date(letter: ThankYouLetter) -> datetime.date:
    """The date printed on the letter: the day it was emailed, else today (the partnership's)."""
    partnership = letter.transaction.partnership
    return partnership.localtime(letter.sent_at).date() if letter.sent_at else partnership.today()
