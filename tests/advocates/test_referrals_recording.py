"""Referrals both ways, recorded: a referral received becomes a lead (with the member as referrer,
no welcome) or joins one, a spoken referral waits for an email, a referral sent makes no lead;
and the double-submit race."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse

from advocates.models import Direction, Referral, ReferralEvent, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services import referrals as services
from leads.models import FormKind, Lead, Submission
from pinnacle.mail.models import OutboxMessage
from tests.advocates.factories import ContactFactory
from tests.advocates.referrals_helpers import receive
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from transactions.services import lifecycle as lead_transactions

pytestmark = pytest.mark.django_db


def test_a_referral_received_becomes_a_lead_with_the_member_as_referrer_and_no_email(
    carol, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = receive(carol, note="Met at the block party")

    lead = Lead.objects.get()
    assert referral.lead == lead and referral.direction == Direction.RECEIVED
    assert referral.stage == ReferralStage.RECEIVED
    assert lead.email == "dan@example.org" and lead.referring_member == member
    submission = Submission.objects.get()
    assert submission.get_form_display() == "Advocate referral"
    # The contact's name and the member's note stay in the circle.
    assert "Carol" not in submission.message and "block party" not in submission.message
    assert not OutboxMessage.objects.exists() and mail.outbox == []
    assert not lead.inquiries.exists()
    carol.refresh_from_db()
    assert carol.reciprocal_points > 0


def test_a_person_already_a_lead_joins_that_lead(carol, member, partnership):
    other = MemberFactory(partnership=partnership)
    existing = LeadFactory(partnership=partnership, email="dan@example.org", referring_member=other)

    referral = receive(carol)

    assert referral.lead == existing and Lead.objects.count() == 1
    existing.refresh_from_db()
    assert existing.referring_member == other  # the first member named keeps the lead
    assert existing.submissions.get().form == FormKind.ADVOCATE_REFERRAL
    assert not OutboxMessage.objects.exists()


def test_a_referral_received_needs_the_persons_email_or_phone(carol):
    with pytest.raises(AdvocatesRefused, match="needs the person's email or phone"):
        receive(carol, person_email="", person_phone="")
    with pytest.raises(AdvocatesRefused, match="at least 7 digits"):
        receive(carol, person_email="", person_phone="12")
    with pytest.raises(AdvocatesRefused, match="valid email"):
        receive(carol, person_email="not an address")
    assert not Referral.objects.exists() and not Lead.objects.exists()


def test_a_spoken_referral_with_a_name_and_a_phone_is_recorded_without_a_lead(carol, member):
    referral = receive(
        carol, person_name="Erin Caller", person_email="", person_phone="555 010 2030"
    )
    assert referral.direction == Direction.RECEIVED and referral.stage == ReferralStage.RECEIVED
    assert (referral.person_email, referral.person_phone) == ("", "555 010 2030")
    assert referral.lead is None and not Lead.objects.exists()
    carol.refresh_from_db()
    assert carol.reciprocal_points > 0  # the contact's score counts it
    # The same spoken referral entered twice while open is one referral.
    again = receive(carol, person_name="Erin Caller", person_email="", person_phone="555 010 2030")
    assert again.pk == referral.pk and Referral.objects.count() == 1


def test_the_form_records_a_spoken_referral_and_its_page_says_it_is_not_a_lead(
    carol, member_client
):
    fields = {
        "direction": "received",
        "contact": carol.pk,
        "person_name": "Erin Caller",
        "need": "buy",
        "timeframe": "now",
        "quality": "standard",
    }
    refused = member_client.post(reverse("referral_new"), fields)
    assert refused.status_code == 400 and not Referral.objects.exists()
    assert "needs the person&#x27;s email or phone" in refused.content.decode()
    response = member_client.post(
        reverse("referral_new"), {**fields, "person_phone": "(555) 010-2030"}
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.person_phone == "(555) 010-2030"
    page = member_client.get(response.url).content.decode()
    assert "(555) 010-2030" in page
    assert "Not in the partnership's leads: a lead needs an email address." in page


def spoken(contact, **extra):
    fields = {"person_name": "Erin Caller", "person_email": "", "person_phone": "555 010 2030"}
    return receive(contact, **{**fields, **extra})


def test_a_spoken_referral_s_email_given_later_makes_them_a_lead(carol, member):
    referral = services.advance_referral(referral=spoken(carol), stage=ReferralStage.CONTACTED)

    referral = services.add_referral_email(
        referral=referral, person_email=" Erin@Example.org ", need="buy", timeframe="now"
    )

    lead = Lead.objects.get()
    assert referral.lead == lead and referral.person_email == "erin@example.org"
    assert (lead.email, lead.name) == ("erin@example.org", "Erin Caller")
    assert lead.phone == "555 010 2030"
    assert lead.referring_member == member
    assert lead.submissions.get().form == FormKind.ADVOCATE_REFERRAL
    assert referral.stage == ReferralStage.CONTACTED  # what the member did stays
    assert not OutboxMessage.objects.exists()  # no welcome, as when recorded with the email
    assert ReferralEvent.objects.filter(referral=referral, summary__startswith="Email added")
    # The same address sent twice is one lead, one event.
    again = services.add_referral_email(referral=referral, person_email="erin@example.org")
    assert again.pk == referral.pk and Lead.objects.count() == 1
    assert ReferralEvent.objects.filter(summary__startswith="Email added").count() == 1


def test_a_spoken_referral_s_email_joins_the_lead_they_already_are_and_its_transaction(
    carol, member, partnership
):
    existing = LeadFactory(partnership=partnership, email="erin@example.org")
    lead_transactions.open_transaction(
        lead=existing, member=member, kind="buy", value=Decimal("300000")
    )
    referral = services.add_referral_email(referral=spoken(carol), person_email="erin@example.org")
    assert referral.lead == existing and Lead.objects.count() == 1
    assert referral.stage == ReferralStage.CONTACTED  # where the transaction is


def test_adding_an_email_keeps_the_rules_of_recording_a_referral(carol, member):
    referral = spoken(carol)
    for bad, reason in (("", "Give the referred person's email"), ("nope", "valid email")):
        with pytest.raises(AdvocatesRefused, match=reason):
            services.add_referral_email(referral=referral, person_email=bad)
    # The same person already referred by this contact, with that address, still open.
    receive(carol, person_name="Erin C.", person_email="erin@example.org")
    with pytest.raises(AdvocatesRefused, match=r"already referred erin@example\.org"):
        services.add_referral_email(referral=referral, person_email="erin@example.org")
    referral.refresh_from_db()
    assert referral.person_email == "" and referral.lead is None
    # A referral that has its email keeps it; one sent makes no lead.
    with_email = receive(carol, person_name="Dan", person_email="dan@example.org")
    with pytest.raises(AdvocatesRefused, match="already has an email"):
        services.add_referral_email(referral=with_email, person_email="dan2@example.org")
    sent = services.record_referral_sent(contact=carol, person_name="Fay")
    with pytest.raises(AdvocatesRefused, match="Only a referral you received"):
        services.add_referral_email(referral=sent, person_email="fay@example.org")
    assert Lead.objects.count() == 2


def test_the_referral_page_takes_a_spoken_referral_s_email(carol, member_client):
    referral = spoken(carol)
    page = member_client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert "Add their email" in page and reverse("referral_email", args=[referral.pk]) in page

    url = reverse("referral_email", args=[referral.pk])
    response = member_client.post(url, {"person_email": "not an address"}, follow=True)
    assert "Enter the person&#x27;s email address" in response.content.decode()
    assert not Lead.objects.exists()

    response = member_client.post(
        url, {"person_email": "erin@example.org", "need": "sell", "timeframe": "now"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.lead.email == "erin@example.org"
    page = member_client.get(response.url).content.decode()
    assert "Add their email" not in page and "is now in the partnership" in page


def test_a_referral_sent_makes_no_lead(carol):
    referral = services.record_referral_sent(contact=carol, person_name="The Parks")
    assert referral.direction == Direction.SENT and referral.lead is None
    assert not Lead.objects.exists()


def test_the_form_records_a_referral_from_the_contact(carol, member_client):
    response = member_client.post(
        reverse("referral_new"),
        {
            "direction": "received",
            "contact": carol.pk,
            "person_name": "Dan Buyer",
            "person_email": "dan@example.org",
            "need": "buy",
            "timeframe": "now",
            "quality": "premium",
            "estimated_value": "500000",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "referral_detail", args=[referral.pk]
    )
    assert referral.quality == "premium" and referral.estimated_value == Decimal("500000")


def test_the_form_refuses_another_members_contact(member_client, partnership):
    stranger = ContactFactory(owner=MemberFactory(partnership=partnership))
    response = member_client.post(
        reverse("referral_new"),
        {"direction": "sent", "contact": stranger.pk, "person_name": "X", "need": "buy"},
    )
    assert response.status_code == 400 and not Referral.objects.exists()


# --- The race --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_records_one_referral(partnership):
    member = MemberFactory(partnership=partnership)
    contact = ContactFactory(owner=member, name="Carol Advocate")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=10)
            outcomes.append(receive(contact).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes[0] == outcomes[1]
    assert Referral.objects.count() == 1 and Lead.objects.count() == 1
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_spoken_referral_s_email_sent_twice_at_once_makes_one_lead(partnership):
    member = MemberFactory(partnership=partnership)
    contact = ContactFactory(owner=member, name="Carol Advocate")
    referral = spoken(contact)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=10)
            done = services.add_referral_email(referral=referral, person_email="erin@example.org")
            outcomes.append(done.lead_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes[0] == outcomes[1] is not None
    assert Lead.objects.count() == 1 and Submission.objects.count() == 1
    assert ReferralEvent.objects.filter(summary__startswith="Email added").count() == 1
