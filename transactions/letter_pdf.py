"""The printable post-close thank-you letter (ReportLab): the partnership's letterhead, the
date, the address block, the letter's text (`transactions.letters`) and the leader's signature.
Kept apart from `transactions.letters`, which the services import at start-up, so that ReportLab
loads only where a letter is printed."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406: escapes text into ReportLab markup; parses no XML

from django.conf import settings
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pinnacle.models import Partnership
from transactions.letters import letter_date, letter_text, signature_lines
from transactions.models import ThankYouLetter

DEFAULT_SEAL = Path(settings.BASE_DIR) / "static" / "images" / "default-seal.png"


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


def _letterhead(
    partnership: Partnership, *, name_style: ParagraphStyle, small: ParagraphStyle, brand
) -> Table:
    """The seal beside the partnership's name and website, underlined in the brand colour."""
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
    return letterhead


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

    letterhead = _letterhead(partnership, name_style=name_style, small=small, brand=brand)
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
