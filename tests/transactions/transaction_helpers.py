"""Shared by the test_transaction_*.py modules split from the transactions tests: a lead, three
more members of the partnership, opening a transaction for them, and upload files."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions.factories import PDF_BYTES
from transactions.services import lifecycle as services

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def bob(partnership):
    return MemberFactory(partnership=partnership, display_name="Bob Lender", job_title="Lender")


@pytest.fixture
def carol(partnership):
    return MemberFactory(partnership=partnership, display_name="Carol Inspector")


@pytest.fixture
def dave(partnership):
    return MemberFactory(partnership=partnership, display_name="Dave Title")


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Customer", email="dana@example.com")


def open_for(lead, opener, *others, kind="buy"):
    transaction = services.open_transaction(lead=lead, member=opener, kind=kind, role="Agent")
    for other in others:
        services.add_team_member(transaction=transaction, actor=opener, member=other, role="")
    transaction.refresh_from_db()
    return transaction


def team_names(transaction):
    return sorted(transaction.team.values_list("member__display_name", flat=True))


def pdf_upload(name="contract.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name="scan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
