"""Transactions: the customer's written authorizations (disclosures): recording, refusing,
revoking, and what a grantee and leadership may do."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.services import LeadRefused
from tests.members.factories import MemberFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import open_for, pdf_upload
from transactions.models import Disclosure
from transactions.services import lifecycle as services
from transactions.services import records

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
bob = transaction_helpers.bob
carol = transaction_helpers.carol
lead = transaction_helpers.lead


# --- Disclosures --------------------------------------------------------------------------------


def disclose(transaction, actor, **overrides):
    fields = {
        "grantee_name": "",
        "grantee_email": "",
        "grantee_member": None,
        "scope": "The closing date.",
        "covers": ["stage"],
        "valid_until": transaction.partnership.today() + datetime.timedelta(days=10),
        "signed_document": pdf_upload("signed.pdf"),
    }
    return records.record_disclosure(
        transaction=transaction, actor=actor, **{**fields, **overrides}
    )


def test_recording_a_disclosure_names_the_grantee_and_keeps_the_signed_document(
    lead, member, carol, settings
):
    transaction = open_for(lead, member)
    disclosure = disclose(transaction, member, grantee_member=carol)
    assert disclosure.grantee_name == "Carol Inspector"
    assert disclosure.grantee_email == carol.email
    assert disclosure.signed_document.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    event = transaction.events.get(kind="disclosure")
    assert "to Carol Inspector until" in event.summary and event.body == "The closing date."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_document": None}, "Upload the customer's signed authorization"),
        ({"signed_document": SimpleUploadedFile("x.pdf", b"hello")}, "Upload a PDF or an image"),
        ({"valid_until": datetime.date(2000, 1, 1)}, "until today or a later date"),
        ({"scope": " "}, "what the customer authorized"),
        ({"grantee_name": ""}, "to whom"),
    ],
    ids=["no-document", "not-a-document", "already-ended", "no-scope", "nobody"],
)
def test_a_disclosure_without_what_the_policy_needs_is_refused(lead, member, overrides, message):
    transaction = open_for(lead, member)
    fields = {"grantee_name": "Gina at the bank", **overrides}
    with pytest.raises(LeadRefused, match=message):
        disclose(transaction, member, **fields)
    assert not Disclosure.objects.exists()


def test_a_disclosure_to_a_team_member_or_another_partnerships_member_is_refused(
    lead, member, bob, other_member
):
    transaction = open_for(lead, member, bob)
    with pytest.raises(LeadRefused, match="Bob Lender is on the team"):
        disclose(transaction, member, grantee_member=bob)
    with pytest.raises(LeadRefused, match="active partner member of this partnership"):
        disclose(transaction, member, grantee_member=other_member)
    assert not Disclosure.objects.exists()


def test_revoking_a_disclosure_ends_it_once(lead, member, bob, carol):
    transaction = open_for(lead, member, bob)
    disclosure = disclose(transaction, member, grantee_member=carol)
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        records.revoke_disclosure(disclosure=disclosure, actor=carol)
    records.revoke_disclosure(disclosure=disclosure, actor=bob)
    disclosure.refresh_from_db()
    assert disclosure.revoked_by == bob and disclosure.revoked_at is not None
    with pytest.raises(LeadRefused, match="already revoked"):
        records.revoke_disclosure(disclosure=disclosure, actor=member)


def test_a_grantee_and_leadership_read_but_every_write_refuses_them(
    partnership, lead, member, bob, carol, leader
):
    transaction = open_for(lead, member, bob)
    disclose(transaction, member, grantee_member=carol)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    event = transaction.events.first()
    writes = [
        lambda who: services.add_team_member(
            transaction=transaction, actor=who, member=MemberFactory(partnership=partnership)
        ),
        lambda who: services.propose_leader(transaction=transaction, actor=who, candidate=bob),
        lambda who: services.agree_to_leader(proposal=proposal, actor=who),
        lambda who: services.change_stage(transaction=transaction, actor=who, stage="fell_through"),
        lambda who: records.add_note(transaction=transaction, actor=who, body="Hi"),
        lambda who: records.set_event_shared(event=event, actor=who, shared=True),
        lambda who: records.add_document(
            transaction=transaction, actor=who, title="X", file=pdf_upload()
        ),
        lambda who: disclose(transaction, who, grantee_name="Someone"),
    ]
    for who in (carol, leader):
        for write in writes:
            with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
                write(who)
    assert transaction.events.count() == 4  # opened, added Bob, disclosure, proposal
