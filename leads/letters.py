"""The post-close thank-you letter: the portal's draft and the printable PDF.

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
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from leads.models import ThankYouLetter, Transaction, TransactionKind
from members.models import Member
from pinnacle.models import Partnership

DEFAULT_SEAL = Path(settings.BASE_DIR) / "static" / "images" / "default-seal.png"

_WHAT_THEY_DID = {
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
        if member.company_id:
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


def _seal_image(partnership: Partnership) -> Image:
    size = 0.9 * inch
    if partnership.seal:
        try:
            with partnership.seal.open("rb") as seal:
                return Image(io.BytesIO(seal.read()), width=size, height=size)
        except OSError:
            pass  # a seal missing from storage: the default keeps the letter printable
    return Image(str(DEFAULT_SEAL), width=size, height=size)


def _paragraphs(text: str, style: ParagraphStyle) -> list:
    flowables = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            markup = "<br/>".join(escape(line) for line in block.strip().split("\n"))
            flowables.append(Paragraph(markup, style))
    return flowables


def render_letter_pdf(letter: ThankYouLetter) -> bytes:
    """The letter on the partnership's letterhead, for printing and mailing: seal, name and
    website; date; the address block (the customer's name and the mailing address); the
    leader's part and the required paragraphs; the leader's signature."""
    transaction = letter.transaction
    partnership = transaction.partnership
    styles = getSampleStyleSheet()
    body = ParagraphStyle("LetterBody", parent=styles["Normal"], fontSize=11, leading=15)
    body.spaceAfter = 10
    brand = colors.HexColor("#1f3b64")
    name_style = ParagraphStyle(
        "Partnership", parent=body, fontName="Helvetica-Bold", fontSize=16, textColor=brand
    )
    small = ParagraphStyle("Small", parent=body, fontSize=9.5, leading=12, textColor=brand)

    letterhead = Table(
        [
            [
                _seal_image(partnership),
                [
                    Paragraph(escape(partnership.name), name_style),
                    Paragraph(escape(partnership.website_url), small),
                ],
            ]
        ],
        colWidths=[1.1 * inch, None],
    )
    letterhead.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, brand),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    recipient = [transaction.lead.name] + [
        line.strip() for line in letter.mailing_address.splitlines() if line.strip()
    ]

    story = [
        letterhead,
        Spacer(1, 0.3 * inch),
        Paragraph(escape(date_format(letter_date(letter), "DATE_FORMAT")), body),
        Paragraph("<br/>".join(escape(line) for line in recipient), body),
        Spacer(1, 0.1 * inch),
        *_paragraphs(letter_text(letter), body),
        Spacer(1, 0.1 * inch),
        Paragraph(
            "<br/>".join(escape(line) for line in signature_lines(transaction.leader, partnership)),
            body,
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.75 * inch,
        bottomMargin=0.75 * inch,
        title=f"Thank-you letter to {transaction.lead.name}",
        author=transaction.leader.display_name if transaction.leader else partnership.name,
    )
    document.build(story)
    return buffer.getvalue()
