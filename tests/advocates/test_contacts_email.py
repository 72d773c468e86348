"""Emailing a contact through the portal: from the member, logged once in the communication
log, refused (and not logged) for a suppressed address, sent once on a double submit."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.urls import reverse

from advocates.models import Interaction, InteractionKind
from advocates.services import AdvocatesRefused
from advocates.services.emails import send_contact_email
from pinnacle.mail.models import OutboxMessage, Suppression
from tests.advocates.factories import ContactFactory

pytestmark = pytest.mark.django_db


def compose(nonce=None, **fields):
    return {
        "subject": "Coffee next week?",
        "body": "It has been too long.\nHow are the twins?",
        "nonce": nonce or uuid.uuid4().hex,
        **fields,
    }


def test_the_email_goes_from_the_member_and_reads_as_theirs(member, member_client):
    contact = ContactFactory(owner=member, name="Maya O'Brien", email="maya@example.com")
    response = member_client.post(reverse("advocates_contact_email", args=[contact.pk]), compose())
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.to_email == "maya@example.com"
    assert message.subject == "Coffee next week?"
    assert message.from_email.startswith("Alice Agent <")
    assert message.reply_to == member.email
    assert message.object_id == contact.pk
    assert "Hello Maya O'Brien," in message.body_text
    assert "How are the twins?" in message.body_text
    assert member.display_name in message.body_text and member.email in message.body_text
    assert "Opt out" in message.body_text  # a member's own mail to a contact can be refused
    assert "Hello Maya O&#x27;Brien," in message.body_html
    assert "How are the twins?" in message.body_html


def test_the_email_is_in_the_log_once_even_on_a_double_submit(member, member_client):
    contact = ContactFactory(owner=member, email="maya@example.com")
    form = compose()
    url = reverse("advocates_contact_email", args=[contact.pk])
    member_client.post(url, form)
    member_client.post(url, form)
    message = OutboxMessage.objects.get()
    logged = Interaction.objects.get(contact=contact)
    assert (logged.kind, logged.message, logged.summary) == (
        InteractionKind.EMAIL,
        message,
        "Coffee next week?",
    )
    page = member_client.get(reverse("advocates_contact", args=[contact.pk])).content.decode()
    assert "Coffee next week?" in page
    contact.refresh_from_db()
    assert contact.frequency_points > 0


def test_a_suppressed_address_shows_why_and_logs_nothing(member, member_client):
    contact = ContactFactory(owner=member, email="maya@example.com")
    Suppression.objects.create(
        partnership=member.partnership, email="maya@example.com", reason="unsubscribed"
    )
    response = member_client.post(reverse("advocates_contact_email", args=[contact.pk]), compose())
    assert response.status_code == 400
    assert "maya@example.com gets no outreach" in response.content.decode()
    assert not OutboxMessage.objects.exists()
    assert not Interaction.objects.exists()


def test_a_contact_without_email_is_not_offered_the_form(member, member_client):
    contact = ContactFactory(owner=member, email="")
    page = member_client.get(reverse("advocates_contact", args=[contact.pk])).content.decode()
    assert reverse("advocates_contact_email", args=[contact.pk]) not in page
    assert "No email address on file" in page
    with pytest.raises(AdvocatesRefused, match="has no email address"):
        send_contact_email(
            member=member, contact=contact, subject="Hi", body="Hi", nonce=uuid.uuid4().hex
        )


def test_an_empty_message_is_refused(member, member_client):
    contact = ContactFactory(owner=member)
    response = member_client.post(
        reverse("advocates_contact_email", args=[contact.pk]), compose(body="  ")
    )
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists()


def test_a_member_cannot_write_to_someone_elses_contact_through_the_service(member):
    contact = ContactFactory(email="someone@example.com")
    with pytest.raises(AdvocatesRefused):
        send_contact_email(
            member=member, contact=contact, subject="Hi", body="Hi", nonce=uuid.uuid4().hex
        )
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_send_and_log_once(partnership):
    from tests.members.factories import MemberFactory

    member = MemberFactory(partnership=partnership, display_name="Alice Agent")
    contact = ContactFactory(owner=member, email="maya@example.com")
    nonce = uuid.uuid4().hex
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                send_contact_email(
                    member=member, contact=contact, subject="Hi", body="Hello", nonce=nonce
                ).pk
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and outcomes[0] == outcomes[1]
    assert OutboxMessage.objects.count() == 1
    assert Interaction.objects.count() == 1
    connection.close()
