"""The printable co-branded flyer: a one-page US Letter PDF drawn on the server with ReportLab.

ReportLab installs from a wheel with no system libraries, so the flyer works wherever the portal
runs. Text uses the PDF standard fonts (no font files to ship, text stays searchable); they cover
Western European names such as "Seán Ñúñez", and other letters are printed without their accents
rather than as empty boxes.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal
from xml.sax.saxutils import escape  # nosec B406: escapes text into ReportLab markup; parses no XML

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from comarketing.flyer.images import (
    PhotoGrid,
    Picture,
    for_print,
    listing_photos,
    load_image,
    seal_image,
)
from comarketing.models import Media
from members.models import Member

# Enough for one page at the body's type size; the frame below shrinks anything longer still.
BODY_MAX_CHARS = 900

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 36
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADER_HEIGHT = 92
LOGO_BOX = (160, 64)
SEAL_SIZE = 60
CARD_HEIGHT = 104
CARD_GAP = 18
PHOTO_HEIGHT = 220
PORTRAIT_SIZE = 64

INK = colors.HexColor("#1f2a44")
MUTED = colors.HexColor("#5b6475")
RULE = colors.HexColor("#c9ced8")
CARD_BACKGROUND = colors.HexColor("#f3f4f7")

TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=22, leading=26, textColor=INK)
HEADLINE = ParagraphStyle(
    "headline", fontName="Helvetica", fontSize=13, leading=17, textColor=MUTED, spaceBefore=2
)
PRICE = ParagraphStyle("price", fontName="Helvetica-Bold", fontSize=18, leading=22, textColor=INK)
FACTS = ParagraphStyle("facts", fontName="Helvetica", fontSize=11, leading=15, textColor=INK)
BODY = ParagraphStyle(
    "body", fontName="Helvetica", fontSize=9.5, leading=13, textColor=INK, spaceAfter=5
)
CARD_LABEL = ParagraphStyle(
    "card_label", fontName="Helvetica-Bold", fontSize=7.5, leading=10, textColor=MUTED
)
CARD_NAME = ParagraphStyle(
    "card_name", fontName="Helvetica-Bold", fontSize=12, leading=15, textColor=INK
)
CARD_LINE = ParagraphStyle("card_line", fontName="Helvetica", fontSize=9, leading=12, textColor=INK)
LOGO_TEXT = ParagraphStyle(
    "logo_text", fontName="Helvetica-Bold", fontSize=13, leading=16, textColor=INK
)
SEAL_CAPTION = ParagraphStyle(
    "seal_caption",
    fontName="Helvetica",
    fontSize=7.5,
    leading=9,
    textColor=MUTED,
    alignment=TA_CENTER,
)

# Letters without a decomposition that the standard fonts' encoding (cp1252) lacks.
_UNACCENTED = str.maketrans(
    {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "\u0131": "i"}
)


def render_flyer(media: Media) -> bytes:
    """The flyer of `media` as PDF bytes: one US Letter page with both partners' branding, the
    partnership's seal and website, the listing (photos, details, description) and both partners'
    contact cards. A missing or unreadable image is left out; the flyer is still made."""
    connection = media.connection
    partnership = media.partnership
    partners = [member for member in (connection.lender, connection.partner) if member]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(_printable(media.title))
    canvas.setAuthor(_printable(", ".join(member.display_name for member in partners)))
    canvas.setSubject(_printable(partnership.name))

    header_bottom = PAGE_HEIGHT - MARGIN - HEADER_HEIGHT
    _draw_header(
        canvas, partnership, connection.lender, connection.partner, top=PAGE_HEIGHT - MARGIN
    )
    _draw_rule(canvas, header_bottom - 6)

    cards_top = MARGIN + CARD_HEIGHT
    _draw_cards(canvas, partners, top=cards_top)
    _draw_rule(canvas, cards_top + 10)

    listing_top = header_bottom - 16
    listing_height = listing_top - (cards_top + 18)
    frame = Frame(MARGIN, cards_top + 18, CONTENT_WIDTH, listing_height, 0, 0, 0, 0)
    # A listing that would run into the contact cards (or off the page) is scaled down to fit.
    content = KeepInFrame(
        CONTENT_WIDTH, listing_height, _listing_story(media), mode="shrink", vAlign="TOP"
    )
    frame.addFromList([content], canvas)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_header(canvas: Canvas, partnership, lender: Member, partner: Member | None, *, top):
    # policy: "Logo/Seal of partner membership prominently displayed near the partner member's
    # logo. The website address must also be included prominently with the Logo/Seal."
    logo_width, logo_height = LOGO_BOX
    logo_bottom = top - (HEADER_HEIGHT + logo_height) / 2 + 6
    _draw_logo(canvas, lender, x=MARGIN, y=logo_bottom, align="LEFT")
    if partner:
        _draw_logo(
            canvas, partner, x=PAGE_WIDTH - MARGIN - logo_width, y=logo_bottom, align="RIGHT"
        )

    seal = seal_image(partnership, size=SEAL_SIZE)
    center = PAGE_WIDTH / 2
    if seal:
        canvas.drawImage(
            seal,
            center - SEAL_SIZE / 2,
            top - SEAL_SIZE,
            SEAL_SIZE,
            SEAL_SIZE,
            preserveAspectRatio=True,
            anchor="c",
        )
    caption = Paragraph(escape(_printable(partnership.name)), SEAL_CAPTION)
    caption_width = PAGE_WIDTH - 2 * (MARGIN + logo_width + 8)
    _, caption_height = caption.wrap(caption_width, 20)
    caption.drawOn(canvas, center - caption_width / 2, top - SEAL_SIZE - 4 - caption_height)
    website = _display_url(partnership.website_url)
    baseline = top - SEAL_SIZE - caption_height - 18
    canvas.setFont("Helvetica-Bold", 12)
    canvas.setFillColor(INK)
    canvas.drawCentredString(center, baseline, _printable(website))
    text_width = canvas.stringWidth(_printable(website), "Helvetica-Bold", 12)
    canvas.linkURL(
        partnership.website_url,
        (center - text_width / 2, baseline - 3, center + text_width / 2, baseline + 12),
        relative=0,
    )


def _draw_logo(canvas: Canvas, member: Member, *, x, y, align):
    """The member's company logo, or their company's name in type when there is no logo."""
    width, height = LOGO_BOX
    logo = load_image(member.company_logo_thumbnail)
    if logo:
        logo = for_print(logo, box=LOGO_BOX)
        anchor = "w" if align == "LEFT" else "e"
        canvas.drawImage(logo, x, y, width, height, preserveAspectRatio=True, anchor=anchor)
        return
    name = _company_name(member) or member.display_name
    style = ParagraphStyle("logo", LOGO_TEXT, alignment=0 if align == "LEFT" else 2)
    frame = Frame(x, y, width, height, 0, 0, 0, 0)
    frame.addFromList(
        [KeepInFrame(width, height, [Paragraph(escape(_printable(name)), style)], vAlign="MIDDLE")],
        canvas,
    )


def _draw_cards(canvas: Canvas, partners: list[Member], *, top):
    width = (CONTENT_WIDTH - CARD_GAP) / 2
    for index, member in enumerate(partners):
        x = MARGIN + index * (width + CARD_GAP)
        canvas.setFillColor(CARD_BACKGROUND)
        canvas.roundRect(x, top - CARD_HEIGHT, width, CARD_HEIGHT, 6, stroke=0, fill=1)
        frame = Frame(x, top - CARD_HEIGHT, width, CARD_HEIGHT, 10, 8, 10, 8)
        inner_width, inner_height = width - 20, CARD_HEIGHT - 16
        card = KeepInFrame(inner_width, inner_height, [_contact_card(member, inner_width)])
        frame.addFromList([card], canvas)


def _contact_card(member: Member, width) -> Flowable:
    lines = [
        Paragraph(escape(member.get_kind_display().upper()), CARD_LABEL),
        Paragraph(escape(_printable(member.display_name)), CARD_NAME),
    ]
    for text in (member.job_title, _company_name(member)):
        if text.strip():
            lines.append(Paragraph(escape(_printable(text.strip())), CARD_LINE))
    for label, number in (("Cell", member.cell_phone), ("Office", member.office_phone)):
        if number.strip():
            lines.append(Paragraph(escape(_printable(f"{label} {number.strip()}")), CARD_LINE))
    if member.email:
        lines.append(Paragraph(escape(_printable(member.email)), CARD_LINE))

    portrait = load_image(member.photo_thumbnail)
    if not portrait:
        return Table([[lines]], colWidths=[width], style=_CARD_TABLE)
    box = (PORTRAIT_SIZE, PORTRAIT_SIZE)
    picture = Picture(for_print(portrait, box=box, crop=True), *box)
    gap = 10
    return Table(
        [[picture, lines]],
        colWidths=[PORTRAIT_SIZE + gap, width - PORTRAIT_SIZE - gap],
        style=_CARD_TABLE,
    )


_CARD_TABLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


def _listing_story(media: Media) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(escape(_printable(media.title)), TITLE)]
    if media.headline.strip():
        story.append(Paragraph(escape(_printable(media.headline.strip())), HEADLINE))
    story.append(Spacer(0, 10))

    photos = listing_photos(media, width=CONTENT_WIDTH, height=PHOTO_HEIGHT)
    if photos:
        story += [PhotoGrid(photos, CONTENT_WIDTH, PHOTO_HEIGHT), Spacer(0, 12)]

    if media.price is not None:
        story.append(Paragraph(escape(format_price(media.price)), PRICE))
    facts = listing_facts(media)
    if facts:
        story.append(Paragraph(escape(_printable(facts)), FACTS))
    if media.address.strip():
        story.append(Paragraph(escape(_printable(media.address.strip())), FACTS))
    if media.price is not None or facts or media.address.strip():
        story.append(Spacer(0, 8))

    for paragraph in _capped(media.body, BODY_MAX_CHARS).split("\n\n"):
        if paragraph.strip():
            text = escape(_printable(paragraph.strip())).replace("\n", "<br/>")
            story.append(Paragraph(text, BODY))
    return story


def format_price(price: Decimal) -> str:
    return f"${price:,.0f}"


def listing_facts(media: Media) -> str:
    """ "3 beds · 2.5 baths · 1,850 sq ft", from whichever of the three are set."""
    facts = []
    if media.bedrooms is not None:
        facts.append(f"{media.bedrooms} bed{'' if media.bedrooms == 1 else 's'}")
    if media.bathrooms is not None:
        baths = f"{media.bathrooms.normalize():f}"
        facts.append(f"{baths} bath{'' if media.bathrooms == 1 else 's'}")
    if media.square_feet is not None:
        facts.append(f"{media.square_feet:,} sq ft")
    return " \u00b7 ".join(facts)


def _draw_rule(canvas: Canvas, y):
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)


def _company_name(member: Member) -> str:
    return member.company.name if member.company else member.employer


def _display_url(url: str) -> str:
    """ "https://www.example.com/" as people write it on paper: www.example.com."""
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme) :]
    return url.rstrip("/")


def _capped(text: str, limit: int) -> str:
    text = text.strip().replace("\r\n", "\n")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(maxsplit=1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "\u2026"


def _printable(text: str) -> str:
    """`text` in the standard fonts' encoding: accented letters it lacks lose their accent
    (Nguyễn becomes Nguyen) and anything else becomes "?", instead of an empty box."""
    text = unicodedata.normalize("NFC", text)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    printable = []
    for char in text.translate(_UNACCENTED):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                char = base.encode("cp1252").decode("cp1252") or "?"
            except UnicodeEncodeError:
                char = "?"
        printable.append(char)
    return "".join(printable)
