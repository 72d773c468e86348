"""Helpers shared by the co-branded media tests (test_media_*.py): a JPEG upload, a property site's
and a captured lead's form data, making media, and the files stored."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comarketing import services
from comarketing.models import Media


def jpeg(name="house.jpg", size=(2400, 1800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def site_data(**overrides):
    data = {
        "kind": "property_site",
        "title": "Charming Bungalow on Elm",
        "headline": "Open house Saturday",
        "body": "Three bedrooms near the park.",
        "address": "12 Elm St, Austin, TX",
        "price": "525000",
        "bedrooms": "3",
        "bathrooms": "2.5",
        "square_feet": "1850",
        "is_published": "on",
    }
    return {**data, **overrides}


def make(connection, member, **fields):
    kind = fields.pop("kind", Media.Kind.CAPTURE_PAGE)
    owner = fields.pop("owner", member)
    return services.create_media(
        connection=connection,
        member=member,
        kind=kind,
        owner=owner,
        fields={"title": "Buyers' guide", "headline": "", "body": "", "is_published": True}
        | fields,
        photos=[],
        actor=member.user,
    )


def lead_data(**overrides):
    data = {
        "name": "Priya Prospect",
        "email": "priya@example.com",
        "phone": "(512) 555-0142",
        "need": "buy",
        "timeframe": "3m",
        "message": "Can I see it Sunday?",
        "consent": "on",
    }
    return {**data, **overrides}
