"""The printable co-branded flyer: one US Letter page carrying both partners' branding, the
partnership's seal and website, the listing and both partners' contact cards."""

import base64
import io
import itertools
import re
import zlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from comarketing.flyer.layout import render_flyer
from comarketing.models import Media, MediaPhoto

pytestmark = pytest.mark.django_db

_colors = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(size=(48, 32)) -> ContentFile:
    """A small PNG of its own colour (the PDF stores identical images once)."""
    shade = next(_colors) * 37 % 256
    buffer = io.BytesIO()
    Image.new("RGB", size, (shade, 255 - shade, 90)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="image.png")


def with_images(member):
    member.photo_thumbnail.save("portrait.png", png(), save=False)
    member.company_logo_thumbnail.save("logo.png", png((120, 40)), save=False)
    member.save()
    return member


def make_flyer(connection, *, photos=0, **fields) -> Media:
    values = {
        "title": "Charming Craftsman in Travis Heights",
        "headline": "Walk to South Congress",
        "body": "Original hardwoods, a chef's kitchen and a shaded back porch.",
        "address": "1204 Kenwood Ave, Austin, TX 78704",
        "price": Decimal("525000"),
        "bedrooms": 3,
        "bathrooms": Decimal("2.5"),
        "square_feet": 1850,
        **fields,
    }
    media = Media.objects.create(
        partnership=connection.partnership,
        connection=connection,
        owner=connection.partner,
        created_by=connection.lender,
        kind=Media.Kind.FLYER,
        slug=f"flyer-{next(_colors)}",
        **values,
    )
    for position in range(photos):
        MediaPhoto.objects.create(
            partnership=media.partnership,
            media=media,
            image=png((160, 120)),
            thumbnail=png(),
            position=position,
        )
    return media


def streams(pdf: bytes) -> list[bytes]:
    """Every stream of the PDF, decoded (ReportLab writes ASCII85 and Flate filters)."""
    decoded = []
    for match in re.finditer(rb"<<([^<>]*)>>\s*stream\r?\n(.*?)\r?\n?endstream", pdf, re.S):
        filters, data = match.group(1), match.group(2)
        if b"/ASCII85Decode" in filters:
            data = base64.a85decode(data, adobe=True)
        if b"/FlateDecode" in filters:
            data = zlib.decompress(data)
        decoded.append(data)
    return decoded


def _unescape(literal: bytes) -> str:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def replace(match):
        code = match.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else escapes.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.S).decode("cp1252")


def page_text(pdf: bytes) -> str:
    """The strings the page shows, one per line (runs of text in one font)."""
    texts = []
    for stream in streams(pdf):
        for literal in re.findall(rb"\(((?:\\.|[^\\()])*)\)\s*Tj", stream, re.S):
            texts.append(_unescape(literal))
    return "\n".join(texts)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image the PDF embeds."""
    sizes = []
    for match in re.finditer(rb"<<([^<>]*/Subtype /Image\b[^<>]*)>>", pdf):
        width = re.search(rb"/Width (\d+)", match.group(1)).group(1)
        height = re.search(rb"/Height (\d+)", match.group(1)).group(1)
        sizes.append((int(width), int(height)))
    return sizes


# The default seal (256 px square) as the flyer embeds it; an uploaded seal of UPLOADED_SEAL
# pixels is small enough to be embedded at its own size.
DEFAULT_SEAL = (167, 167)
UPLOADED_SEAL = (72, 70)


def test_flyer_is_a_single_letter_page(connection):
    pdf = render_flyer(make_flyer(connection))

    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    assert b"/MediaBox [ 0 0 612 792 ]" in pdf


def test_flyer_carries_both_partners_contact_cards(connection):
    text = page_text(render_flyer(make_flyer(connection)))

    for line in [
        "Lena Lender",
        "Loan Officer",
        "Summit Mortgage",
        "Cell (512) 555-0199",
        connection.lender.email,
        "Alice Agent",
        "Realtor",
        "Hill Country Realty",
        "Cell (512) 555-0100",
        "Office (512) 555-0111",
        connection.partner.email,
    ]:
        assert line in text.splitlines()


def test_flyer_carries_the_partnership_seal_and_website(connection):
    pdf = render_flyer(make_flyer(connection))

    text = page_text(pdf).splitlines()
    assert "Pinnacle Partnerships" in text
    assert "www.pinnaclepartnerships.example" in text
    assert b"/URI (https://www.pinnaclepartnerships.example)" in pdf
    # No photos and no member images: the one image is the default seal.
    assert image_sizes(pdf) == [DEFAULT_SEAL]


def test_flyer_shows_the_listing(connection):
    text = page_text(render_flyer(make_flyer(connection))).splitlines()

    assert "Charming Craftsman in Travis Heights" in text
    assert "Walk to South Congress" in text
    assert "$525,000" in text
    assert "3 beds \u00b7 2.5 baths \u00b7 1,850 sq ft" in text
    assert "1204 Kenwood Ave, Austin, TX 78704" in text
    assert "Original hardwoods, a chef's kitchen and a shaded back porch." in text


def test_listing_details_left_unset_are_left_out(connection):
    media = make_flyer(
        connection, price=None, bedrooms=1, bathrooms=None, square_feet=None, address=""
    )

    text = page_text(render_flyer(media))

    assert "$" not in text
    assert "1 bed" in text.splitlines()
    assert "bath" not in text


def test_flyer_places_four_photos_the_logos_the_portraits_and_the_seal(connection, partnership):
    with_images(connection.lender)
    with_images(connection.partner)
    partnership.seal.save("seal.png", png(UPLOADED_SEAL))

    pdf = render_flyer(make_flyer(connection, photos=5))

    # Four of the five photos, two logos, two portraits, the partnership's own seal.
    sizes = image_sizes(pdf)
    assert len(sizes) == 4 + 2 + 2 + 1
    assert UPLOADED_SEAL in sizes
    assert DEFAULT_SEAL not in sizes
    assert page_count(pdf) == 1


def test_members_without_photo_or_logo_and_a_listing_without_photos_still_render(
    connection, caplog
):
    pdf = render_flyer(make_flyer(connection, body="", headline=""))

    assert page_count(pdf) == 1
    assert not caplog.records  # an image never added is nothing to report
    # The company's name stands in for its missing logo, in the header and on the card.
    assert page_text(pdf).splitlines().count("Summit Mortgage") == 2


def test_missing_or_damaged_images_are_left_out(connection, partnership, caplog):
    with_images(connection.lender)
    connection.lender.company_logo_thumbnail.storage.delete(
        connection.lender.company_logo_thumbnail.name
    )
    partnership.seal.save("seal.png", ContentFile(b"not an image"))
    media = make_flyer(connection, photos=2)
    damaged = media.photos.first()
    damaged.image.save("damaged.png", ContentFile(b"\x89PNG broken"))

    pdf = render_flyer(media)

    assert page_count(pdf) == 1
    # The good photo, the lender's portrait, and the default seal in place of the damaged one.
    sizes = image_sizes(pdf)
    assert len(sizes) == 3
    assert DEFAULT_SEAL in sizes
    assert "Summit Mortgage" in page_text(pdf).splitlines()
    assert [r.levelname for r in caplog.records if "left out" in r.getMessage()] == ["WARNING"] * 3


def test_accented_names_are_printed(connection, partnership):
    agent = connection.partner
    agent.display_name = "Se\u00e1n \u00d1\u00fa\u00f1ez"
    agent.save()
    connection.lender.display_name = "Nguy\u1ec5n Th\u1ecb Mai"
    connection.lender.save()

    text = page_text(render_flyer(make_flyer(connection))).splitlines()

    assert "Se\u00e1n \u00d1\u00fa\u00f1ez" in text
    # Beyond the standard fonts' letters, the name loses its accents rather than its letters.
    assert "Nguyen Thi Mai" in text


def test_long_texts_stay_on_one_page(connection):
    media = make_flyer(
        connection,
        photos=4,
        title="Spacious " * 16,
        headline="Light-filled " * 15,
        body="\n\n".join(f"Paragraph {n} " + "lorem ipsum dolor sit amet " * 30 for n in range(40)),
    )

    pdf = render_flyer(media)

    assert page_count(pdf) == 1
    text = page_text(pdf)
    assert "Paragraph 0" in text
    assert "Paragraph 39" not in text
    assert "\u2026" in text
