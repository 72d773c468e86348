"""Co-marketing invitations: who may invite, statuses from real email events (two ESPs'
documented webhooks), the link seen by a person, registration and acceptance, delete and
re-invite, reminders at the partnership's days."""

import base64
import datetime
import json

import pytest
from django.core import mail

from comarketing import services
from comarketing.models import Connection, Status
from comarketing.services import ComarketingRefused
from members.models import Member
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db

SECRET = "hook:s3cret-value"


@pytest.fixture(autouse=True)
def _esp(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.fixture
def lender(partnership):
    return MemberFactory(partnership=partnership, display_name="Lena Lender", kind="lender")


@pytest.fixture
def agent(partnership):
    return MemberFactory(partnership=partnership, display_name="Alice Agent", kind="agent")


def invite(lender, *emails):
    return services.invite_partners(lender=lender, emails=list(emails), actor=lender.user)


def sent_connection(lender, email="new.agent@example.com"):
    (connection,) = invite(lender, email)
    delivery.deliver(connection.message_id)
    connection.refresh_from_db()
    return connection


def post_webhook(partnership, esp, payload):
    auth = base64.b64encode(SECRET.encode()).decode()
    return client_for(partnership).post(
        f"/anymail/{esp}/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def postmark(record_type, message, **extra):
    return {
        "RecordType": record_type,
        "MessageID": message.esp_message_id,
        "Recipient": message.to_email,
        "Email": message.to_email,
        "MessageStream": "outbound",
        "Metadata": {"outbox_id": str(message.pk)},
        **extra,
    }


def brevo(event, message):
    return {
        "event": event,
        "email": message.to_email,
        "id": 1,
        "date": "2026-11-29 17:40:00",
        "ts_epoch": 1764438000000,
        "message-id": message.esp_message_id,
        "X-Mailin-custom": json.dumps({"outbox_id": str(message.pk)}),
        "subject": message.subject,
    }


def status(connection):
    connection.refresh_from_db()
    return connection.status


# --- Who may invite ----------------------------------------------------------------------------


def test_a_lender_invites_and_the_invitation_carries_the_link(lender):
    (connection,) = invite(lender, "New.Agent@Example.com")
    assert connection.status == Status.NOT_DELIVERED
    assert connection.get_status_display() == "Pending - Email Not Delivered"
    message = connection.message
    assert message.to_email == "new.agent@example.com"
    assert f"/comarketing/join/{connection.token}/" in message.body_text
    assert message.subject == "Lena Lender invites you to co-market on Pinnacle Partnerships"


def test_an_agent_cannot_invite_whoever_calls(agent):
    with pytest.raises(ComarketingRefused, match="Only lenders"):
        invite(agent, "someone@example.com")
    response = client_for(agent.partnership, agent).post(
        "/comarketing/invite/", {"addresses": "someone@example.com", "action": "send"}
    )
    assert response.status_code == 302 and not Connection.objects.exists()


def test_leadership_may_invite(partnership):
    leader = LeadershipFactory(partnership=partnership, kind="agent")
    assert invite(leader, "someone@example.com")


def test_several_addresses_and_a_contact_found_by_name(lender, partnership):
    colleague = MemberFactory(partnership=partnership, display_name="Carlos Contact")
    client = client_for(partnership, lender)
    found = client.get("/comarketing/invite/", {"q": "carlos"}).text
    assert "Carlos Contact (member)" in found
    preview = client.post(
        "/comarketing/invite/",
        {
            "addresses": "a@example.com\nb@example.com",
            "contact": [colleague.email],
            "action": "preview",
        },
    )
    assert "Preview of the co-marketing invitation" in preview.text
    assert not Connection.objects.exists()  # a preview sends nothing
    client.post(
        "/comarketing/invite/",
        {"addresses": f"a@example.com, b@example.com, {colleague.email}", "action": "send"},
    )
    assert Connection.objects.count() == 3


def test_a_live_connection_is_not_invited_twice_but_a_deleted_one_is(lender):
    (first,) = invite(lender, "partner@example.com")
    with pytest.raises(ComarketingRefused, match="Already connected or invited"):
        invite(lender, "partner@example.com")
    services.delete_connection(connection=first, member=lender, actor=lender.user)
    (again,) = invite(lender, "partner@example.com")
    assert again.pk != first.pk and again.token != first.token


def test_resending_sends_the_same_link(lender):
    connection = sent_connection(lender)
    services.resend_invitation(connection=connection, member=lender, actor=lender.user)
    connection.refresh_from_db()
    bodies = [m.body_text for m in OutboxMessage.objects.filter(template="comarketing/invitation")]
    assert len(bodies) == 2
    assert all(f"/comarketing/join/{connection.token}/" in body for body in bodies)


def test_bad_addresses_are_refused_with_a_message(lender):
    client = client_for(lender.partnership, lender)
    response = client.post(
        "/comarketing/invite/", {"addresses": "not-an-address", "action": "send"}
    )
    assert response.status_code == 400 and "is not an email address" in response.text


# --- Statuses from real events ------------------------------------------------------------------


def test_postmark_events_move_the_status_forward_only(lender, partnership):
    connection = sent_connection(lender)
    assert status(connection) == Status.NOT_DELIVERED  # sent, not yet delivered
    message = connection.message
    post_webhook(
        partnership,
        "postmark",
        postmark("Open", message, ReceivedAt="2026-11-29T16:40:00Z", FirstOpen=True),
    )
    assert status(connection) == Status.OPENED
    # The delivery webhook arrives late: recorded, the status stays.
    post_webhook(
        partnership, "postmark", postmark("Delivery", message, DeliveredAt="2026-11-29T16:33:54Z")
    )
    post_webhook(
        partnership, "postmark", postmark("Delivery", message, DeliveredAt="2026-11-29T16:33:54Z")
    )
    assert status(connection) == Status.OPENED


def test_brevo_events_move_the_status_too(lender, partnership):
    connection = sent_connection(lender)
    post_webhook(partnership, "brevo", brevo("delivered", connection.message))
    assert status(connection) == Status.DELIVERED
    post_webhook(partnership, "brevo", brevo("unique_opened", connection.message))
    assert status(connection) == Status.OPENED


def test_a_bounce_stays_not_delivered_with_the_reason(lender, partnership):
    connection = sent_connection(lender)
    post_webhook(
        partnership,
        "postmark",
        postmark(
            "Bounce",
            connection.message,
            ID=42,
            Type="HardBounce",
            TypeCode=1,
            Description="The server was unable to deliver your message (ex: unknown user).",
            Details="smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            BouncedAt="2026-11-29T16:45:00Z",
        ),
    )
    assert status(connection) == Status.NOT_DELIVERED
    page = client_for(partnership, lender).get("/comarketing/").text
    assert "Pending - Email Not Delivered" in page
    # The receiving server's reply, not anymail's fixed code ("Bounced: bounced").
    reason = "Bounced: 550 5.1.1 The email account that you tried to reach does not exist."
    assert connection.status_reason == reason and reason in page


def test_without_tracking_the_menu_says_so(lender, partnership, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent_connection(lender)
    page = client_for(partnership, lender).get("/comarketing/").text
    assert "this email system reports no delivery or opens" in page


def test_the_link_counts_as_clicked_only_when_a_person_sees_the_page(lender, partnership):
    connection = sent_connection(lender)
    visitor = client_for(partnership)
    assert visitor.get(f"/comarketing/join/{connection.token}/").status_code == 200
    assert status(connection) == Status.NOT_DELIVERED  # a link scanner's GET counts for nothing
    visitor.post(f"/comarketing/join/{connection.token}/seen/")
    assert status(connection) == Status.LINK_CLICKED
    connection.message.refresh_from_db()
    assert connection.message.link_confirmed_at is not None


# --- Becoming active -----------------------------------------------------------------------------


def test_the_invitee_registers_and_the_connection_is_active(lender, partnership):
    leader = LeadershipFactory(partnership=partnership)
    connection = sent_connection(lender)
    visitor = client_for(partnership)
    response = visitor.post(
        f"/comarketing/join/{connection.token}/",
        {
            "first_name": "Nina",
            "last_name": "New",
            "cell_phone": "(512) 555-0100",
            "password1": "a-long-enough-passphrase-7",
            "password2": "a-long-enough-passphrase-7",
        },
    )
    assert response.status_code == 302 and response.url == "/dashboard/profile/"
    partner = Member.objects.get(user__email="new.agent@example.com")
    assert (partner.kind, partner.is_listed, partner.cell_phone) == (
        "agent",
        False,
        "(512) 555-0100",
    )
    assert status(connection) == Status.ACTIVE and connection.partner == partner
    assert (
        OutboxMessage.objects.get(template="comarketing/registered_notice").to_email == leader.email
    )
    assert visitor.get("/comarketing/").status_code == 200  # logged in as the new member


def test_an_existing_member_logs_in_and_accepts(lender, agent, partnership):
    (connection,) = invite(lender, agent.email)
    page = client_for(partnership).get(f"/comarketing/join/{connection.token}/").text
    assert "Log in to accept" in page
    client = client_for(partnership, agent)
    assert client.post(f"/comarketing/join/{connection.token}/accept/").status_code == 302
    assert status(connection) == Status.ACTIVE and connection.partner == agent
    assert "Alice Agent" in client_for(partnership, lender).get("/comarketing/").text


def test_only_the_invited_address_accepts(lender, partnership):
    (connection,) = invite(lender, "someone@example.com")
    stranger = MemberFactory(partnership=partnership)
    with pytest.raises(ComarketingRefused, match="log in with that address"):
        services.accept_connection(connection=connection, member=stranger, actor=None)


def test_an_agent_deletes_a_connection_but_not_anothers(lender, agent, partnership):
    (connection,) = invite(lender, agent.email)
    services.accept_connection(connection=connection, member=agent, actor=agent.user)
    outsider = MemberFactory(partnership=partnership)
    with pytest.raises(ComarketingRefused):
        services.delete_connection(connection=connection, member=outsider, actor=None)
    client = client_for(partnership, agent)
    assert "Delete" in client.get(f"/comarketing/{connection.pk}/delete/").text
    client.post(f"/comarketing/{connection.pk}/delete/")
    connection.refresh_from_db()
    assert connection.deleted_at is not None


# --- Reminders -----------------------------------------------------------------------------------


def test_a_pending_invitation_is_reminded_at_3_and_7_days_once_each(lender, time_machine):
    start = datetime.datetime(2026, 4, 6, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    connection = sent_connection(lender)

    def sweep_at(days, hours=0):
        time_machine.move_to(start + datetime.timedelta(days=days, hours=hours), tick=False)
        return services.sweep_reminders()

    assert sweep_at(2, 23) == (0, 0)
    assert sweep_at(3) == (1, 0)
    assert sweep_at(4) == (0, 0)
    assert sweep_at(7) == (1, 0)
    assert sweep_at(30) == (0, 0)
    reminders = OutboxMessage.objects.filter(template="comarketing/pending_reminder")
    assert reminders.count() == 2
    assert f"/comarketing/join/{connection.token}/" in reminders.first().body_text


def test_no_reminder_once_registered_or_deleted(lender, time_machine):
    start = datetime.datetime(2026, 4, 6, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    deleted = sent_connection(lender, "gone@example.com")
    services.delete_connection(connection=deleted, member=lender, actor=None)
    time_machine.move_to(start + datetime.timedelta(days=3), tick=False)
    assert services.sweep_reminders() == (0, 0)


def test_an_incomplete_profile_is_reminded_after_acceptance(lender, agent, time_machine):
    start = datetime.datetime(2026, 4, 6, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    (connection,) = invite(lender, agent.email)
    services.accept_connection(connection=connection, member=agent, actor=agent.user)
    time_machine.move_to(start + datetime.timedelta(days=3), tick=False)
    pending, profile = services.sweep_reminders()
    assert (pending, profile) == (0, 1)
    reminder = OutboxMessage.objects.get(template="comarketing/profile_reminder")
    assert reminder.to_email == agent.email and "complete" in reminder.subject
    assert mail.outbox == []  # queued; delivery is the pipeline's


def test_a_complete_profile_is_not_reminded_and_its_days_are_done(lender, agent, time_machine):
    """A reminder day on which the profile is complete is dealt with, no email: once both days
    have passed the connection is done, and the sweep (through its partial index) never reads it
    again. A profile incomplete on the second day still hears then."""
    start = datetime.datetime(2026, 4, 6, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    (connection,) = invite(lender, agent.email)
    services.accept_connection(connection=connection, member=agent, actor=agent.user)
    Member.objects.filter(pk=agent.pk).update(**COMPLETE_PROFILE)
    time_machine.move_to(start + datetime.timedelta(days=3), tick=False)
    assert services.sweep_reminders() == (0, 0)
    connection.refresh_from_db()
    assert connection.profile_reminders_sent == 1
    Member.objects.filter(pk=agent.pk).update(cell_phone="")
    time_machine.move_to(start + datetime.timedelta(days=7), tick=False)
    assert services.sweep_reminders() == (0, 1)
    connection.refresh_from_db()
    assert connection.profile_reminders_sent == 2
    (reminder,) = OutboxMessage.objects.filter(template="comarketing/profile_reminder")
    assert reminder.idempotency_key.endswith("profile-reminder:2")


@pytest.mark.parametrize("count", [10, 300])
def test_the_menu_reads_a_fixed_number_of_queries(
    lender, partnership, count, django_assert_num_queries
):
    from tests.comarketing.factories import ConnectionFactory

    partners = MemberFactory.create_batch(3, partnership=partnership)
    for n in range(count):
        ConnectionFactory(
            partnership=partnership,
            lender=lender,
            partner=partners[n % 3] if n % 2 else None,
            status=Status.ACTIVE if n % 2 else Status.NOT_DELIVERED,
        )
    client = client_for(partnership, lender)
    # Partnership, user, membership; the page count, the page's keys, and those connections
    # with their lender, partner and email (one query): completion is computed from the loaded
    # rows.
    with django_assert_num_queries(6):
        page = client.get("/comarketing/")
    # A progress bar for each active partner on the page (every other row; newest first).
    shown = range(count - 1, max(count - 26, -1), -1)
    assert page.text.count("<progress") == sum(1 for n in shown if n % 2)


def test_rows_with_nothing_due_never_crowd_out_a_due_reminder(
    lender, agent, time_machine, monkeypatch
):
    """The sweep reads a batch of rows; a complete profile or a pending invitation between its
    reminder days must not fill the batch and starve the row whose reminder is due."""
    from comarketing.services import reminders

    monkeypatch.setattr(reminders, "SWEEP_BATCH", 1)
    start = datetime.datetime(2026, 4, 6, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    (complete,) = invite(lender, agent.email)
    services.accept_connection(connection=complete, member=agent, actor=agent.user)
    Member.objects.filter(pk=agent.pk).update(**COMPLETE_PROFILE)
    early = sent_connection(lender, "early@example.com")
    Connection.objects.filter(pk=early.pk).update(pending_reminders_sent=1)  # day 3 done
    time_machine.move_to(start + datetime.timedelta(days=2), tick=False)
    sent_connection(lender, "due@example.com")
    time_machine.move_to(start + datetime.timedelta(days=5), tick=False)
    assert services.sweep_reminders() == (1, 0)
    reminder = OutboxMessage.objects.get(template="comarketing/pending_reminder")
    assert reminder.to_email == "due@example.com"


COMPLETE_PROFILE = {
    "cell_phone": "(512) 555-0100",
    "office_phone": "(512) 555-0111",
    "street_address": "100 Congress Ave",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
    "job_title": "Realtor",
    "timezone": "America/Chicago",
    "photo": "members/photos/a.jpg",
    "company_logo": "members/logos/a.png",
    "employer": "Hill Country Realty",
    "mls_market": "Austin",
    "mls_agent_id": "123",
    "license_number": "TX-1",
}


def test_registration_keeps_the_password_rules_for_any_caller(lender):
    connection = sent_connection(lender)
    with pytest.raises(ComarketingRefused, match=r"too short|too common"):
        services.register_partner(
            connection=connection, display_name="Nina New", password="abc", profile={}
        )
    assert not Member.objects.filter(user__email=connection.email).exists()
