"""A person's data on request (pinnacle/privacy): one person who appears in every app, made
through the apps' own services, is exported whole, then erased so that no table, file or stored
email of their partnership still holds their address or name; their opt-out still holds; nobody
else's data, and no other partnership's, is touched."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from advocates.services.contacts import create_contact
from advocates.services.referrals.recording import record_referral_received
from advocates.services.surveys import send_survey
from comarketing.services.invitations import invite_partners
from leads.services.intake import submit_lead
from members.models import Member
from members.services.invitations import invite_member
from outreach.services.messages import MESSAGE_TEMPLATE, send_message
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import MailRefused, is_suppressed, opt_out, queue_email
from pinnacle.models import AuditEvent
from pinnacle.privacy.hashing import address_hash
from pinnacle.privacy.services import erase_personal_data, export_personal_data
from policy.services.feedback import report_breach_as_visitor
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.pinnacle.factories import PartnershipFactory
from transactions.services.customer import send_customer_link
from transactions.services.lifecycle import open_transaction
from transactions.services.records import add_document

EMAIL = "Zelda.Quinton@Example.org"
NAME = "Zelda Quinton"
PHONE = "512-555-0199"
TRACES = ("zelda.quinton", "zelda quinton", "555-0199")
PDF = b"%PDF-1.4\n% the purchase agreement\n%%EOF\n"


def _person_in_every_app(partnership, *, agent, lender, leader):
    submission = submit_lead(
        partnership=partnership,
        form="contact",
        name=NAME,
        email=EMAIL,
        need="buy",
        timeframe="3m",
        phone=PHONE,
        message="Call me after six, Zelda",
        consent=True,
        referrer=agent,
        ip_address="203.0.113.9",
    )
    lead = submission.lead
    send_message(
        member=agent, lead=lead, subject="Hello Zelda Quinton", body="Dear Zelda", actor=None
    )
    transaction = open_transaction(
        lead=lead, member=agent, kind="buy", property_address="12 Quinton Way, Austin TX"
    )
    # Its timeline names the customer: "... emailed Zelda Quinton the link to their page".
    send_customer_link(transaction=transaction, actor=agent)
    add_document(
        transaction=transaction,
        actor=agent,
        title="Purchase agreement",
        file=SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf"),
    )
    invite_partners(lender=lender, emails=[EMAIL], actor=lender.user)
    contact = create_contact(
        owner=agent, name=NAME, email=EMAIL, phone=PHONE, notes="Zelda loves sailing", actor=None
    )
    send_survey(owner=agent, name=NAME, email=EMAIL, contact=contact, actor=None)
    referrer = create_contact(owner=agent, name="Ada Advocate", email="ada@example.org")
    record_referral_received(
        contact=referrer, person_name=NAME, person_email=EMAIL, person_phone=PHONE
    )
    report_breach_as_visitor(
        partnership=partnership, description="A member called me twice", name=NAME, email=EMAIL
    )
    invite_member(
        partnership=partnership,
        invited_by=leader.user,
        email=EMAIL,
        display_name=NAME,
        kind=Member.Kind.AGENT,
        service_category=Member.ServiceCategory.REAL_ESTATE,
        role=Member.Role.MEMBER,
    )
    opt_out(partnership=partnership, email=EMAIL, source="link", message_id=None)
    return transaction


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    partnership, other = PartnershipFactory(), PartnershipFactory()
    agent = MemberFactory(partnership=partnership)
    lender = MemberFactory(partnership=partnership, kind=Member.Kind.LENDER)
    leader = LeadershipFactory(partnership=partnership)
    transaction = _person_in_every_app(partnership, agent=agent, lender=lender, leader=leader)
    bystander = submit_lead(
        partnership=partnership, form="join", name="Bo Bystander", email="bo@example.org",
        need="sell", timeframe="3m", referrer=agent,
    ).lead  # fmt: skip
    elsewhere = submit_lead(
        partnership=other, form="join", name=NAME, email=EMAIL, need="buy", timeframe="3m"
    ).lead
    opt_out(partnership=other, email=EMAIL, source="link", message_id=None)
    return {
        "partnership": partnership,
        "other": other,
        "leader": leader,
        "agent": agent,
        "document": transaction.documents.get(),
        "bystander": bystander,
        "elsewhere": elsewhere,
    }


EVERY_APP = {
    "leads.Lead",
    "leads.Submission",
    "transactions.Transaction",
    "transactions.TransactionDocument",
    "outreach.Attempt",
    "comarketing.Connection",
    "advocates.Contact",
    "advocates.Survey",
    "advocates.Referral",
    "policy.BreachReport",
    "members.Invitation",
    "mail.Suppression",
    "mail.OutboxMessage",
}


def test_the_export_holds_the_person_in_every_app_and_the_emails_they_were_sent(world):
    data = export_personal_data(partnership=world["partnership"], email=EMAIL)
    models = {record["model"] for record in data["records"]}
    assert models >= EVERY_APP
    text = json.dumps(data, default=str)
    assert "Dear Zelda" in text and PHONE in text and "12 Quinton Way" in text
    assert "Bo Bystander" not in text and "bo@example.org" not in text
    event = AuditEvent.objects.get(action="privacy.exported")
    assert event.data["address_hash"] == address_hash(EMAIL)
    assert "zelda" not in json.dumps(event.data).lower() + event.summary.lower()


def _traces_left(partnership_ids_to_skip) -> list[str]:
    """Every text, JSON, array and search column of every table, as the owner, searched for the
    person (another partnership's rows left out: the same address there must stay)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name, "
            "EXISTS (SELECT 1 FROM information_schema.columns p WHERE p.table_schema = 'public' "
            "AND p.table_name = c.table_name AND p.column_name = 'partnership_id') "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'tsvector')"
        )
        for table, column, tenant in cursor.fetchall():
            skip = "partnership_id <> ALL(%s) AND " if tenant else ""
            for trace in TRACES:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE {skip}"{column}"::text ILIKE %s',
                    ([partnership_ids_to_skip] if tenant else []) + [f"%{trace}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}: {trace}")
    return found


def test_after_erasure_nothing_about_the_person_survives_and_their_opt_out_holds(
    world, settings, django_capture_on_commit_callbacks
):
    partnership, other = world["partnership"], world["other"]
    document = world["document"].file.path
    lead_id = world["document"].transaction.lead_id
    assert _traces_left([other.pk]), "the search finds the person before erasure"

    with django_capture_on_commit_callbacks(execute=True):  # files go once it is committed
        erased = erase_personal_data(
            partnership=partnership, email=EMAIL, actor=world["leader"].user
        )

    assert erased.files == 1
    assert _traces_left([other.pk]) == []
    stored = [p for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) if root.exists()
              for p in root.rglob("*") if p.is_file()]  # fmt: skip
    assert not [p for p in stored if b"zelda" in p.read_bytes().lower()]
    with pytest.raises(FileNotFoundError):
        open(document, "rb")  # noqa: SIM115
    # Sending to the address is still refused: the opt-out kept the address's hash.
    assert is_suppressed(partnership=partnership, email=EMAIL.lower())
    with pytest.raises(MailRefused):
        queue_email(
            partnership=partnership, key="after-erasure", template=MESSAGE_TEMPLATE, to=EMAIL
        )
    # Nobody else's data, and not the other partnership's same address: the member told of
    # the new lead keeps the record of that email (to them), emptied of the person.
    told = OutboxMessage.objects.filter(to_email=world["agent"].email, object_id=lead_id)
    assert told.exists() and not told.exclude(body_text="").exists()
    world["bystander"].refresh_from_db()
    assert (world["bystander"].name, world["bystander"].email) == ("Bo Bystander", "bo@example.org")
    world["elsewhere"].refresh_from_db()
    assert (world["elsewhere"].name, world["elsewhere"].email) == (NAME, EMAIL.lower())
    assert is_suppressed(partnership=other, email=EMAIL)
    event = AuditEvent.objects.get(action="privacy.erased")
    assert (event.partnership, event.actor) == (partnership, world["leader"].user)
    assert event.data["address_hash"] == address_hash(EMAIL)


def test_an_operator_erases_from_the_command_line_within_one_partnership(world):
    call_command(
        "personal_data", "erase", partnership=world["partnership"].slug, email=EMAIL, yes=True
    )
    assert _traces_left([world["other"].pk]) == []
    world["elsewhere"].refresh_from_db()
    assert world["elsewhere"].name == NAME
