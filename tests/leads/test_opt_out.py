"""A lead's opt-out: which message it came from and how, shown on the lead's page; leadership
recording one received by phone or letter; a new submission of the lead's own re-opening contact."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from leads.models import FormKind
from leads.selectors.lists import lead_suppression
from leads.selectors.timeline import lead_timeline
from leads.services.intake import submit_lead
from pinnacle.mail import delivery
from pinnacle.mail.models import Suppression
from pinnacle.mail.services import MailRefused, is_suppressed, queue_email, suppress
from pinnacle.models import AuditEvent
from tests.leads.factories import LeadFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def outreach(partnership, member, lead, register_outreach, time_machine):
    """Alice Agent's outreach email to Dana, delivered."""
    time_machine.move_to(START, tick=False)
    register_outreach("mail/notice")
    message = queue_email(
        partnership=partnership,
        key="outreach:1",
        template="mail/notice",
        to=lead.email,
        context={"subject": "Homes near Hyde Park", "body": "Would these suit you?"},
        sender_name=member.display_name,
        reply_to=member.email,
        about=lead,
    )
    delivery.deliver(message.pk)
    return message


def one_click(message):
    """The lead's mail client's own unsubscribe button (RFC 8058): no cookies, no CSRF token."""
    url = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    client = Client(enforce_csrf_checks=True, HTTP_HOST=message.partnership.host)
    return client.post(url.split(message.partnership.host, 1)[1], {"List-Unsubscribe": "One-Click"})


def submit_again(partnership, email="Dana@Example.com"):
    return submit_lead(
        partnership=partnership,
        form=FormKind.CONTACT,
        name="Dana Prospect",
        email=email,
        need="buy",
        timeframe="3m",
        message="We are ready to look at homes after all.",
    )


# --- What the lead's page says ----------------------------------------------------------------


def test_the_lead_page_shows_when_how_and_which_message_the_lead_opted_out_from(
    member_client, lead, outreach, time_machine
):
    time_machine.move_to(START + datetime.timedelta(hours=3), tick=False)
    assert one_click(outreach).status_code == 200

    page = member_client.get(f"/leads/{lead.pk}/").text
    assert '<span class="status bad">Opted out</span> on <time' in page
    assert ">March 4, 2025, noon</time>" in page
    assert "One-click unsubscribe" in page
    assert "&ldquo;Homes near Hyde Park&rdquo; from Alice Agent, sent <time" in page
    assert "No member of Pinnacle Partnerships may send them outreach." in page


def test_an_opt_out_recorded_by_leadership_says_how_it_reached_them(leader, member_client, lead):
    suppress(
        partnership=lead.partnership,
        email=lead.email,
        reason="manual",
        source="leadership",
        received_via="letter",
        note="Wrote to the office: no more emails, please.",
    )
    page = member_client.get(f"/leads/{lead.pk}/").text
    assert '<span class="status bad">Added by leadership</span>' in page
    assert "Recorded by leadership: letter" in page
    assert "Wrote to the office: no more emails, please." in page
    assert "From the email" not in page


def test_a_bounced_address_is_not_called_an_opt_out(member_client, lead):
    suppress(partnership=lead.partnership, email=lead.email, reason="bounced", source="esp")
    page = member_client.get(f"/leads/{lead.pk}/").text
    assert '<span class="badge badge-bad">Bounced</span>' in page
    assert "Reported by the email service" in page
    assert "Email to this address bounced: no email from Pinnacle Partnerships goes to it." in page
    assert "This prospect opted out" not in page


def test_the_opt_out_and_its_message_are_one_query(
    lead, outreach, member, django_assert_num_queries
):
    one_click(outreach)
    with django_assert_num_queries(1):
        suppression = lead_suppression(lead, member)
        assert suppression.source_label == "One-click unsubscribe"
        assert suppression.source_message.subject == "Homes near Hyde Park"
        assert suppression.source_message.sender_name == "Alice Agent"


# --- Leadership records an opt-out received by phone or letter --------------------------------


def test_leadership_records_an_opt_out_received_by_phone(leader, leader_client, lead):
    page = leader_client.get(f"/leads/{lead.pk}/").text
    assert "Record an opt-out received by phone or letter" in page

    response = leader_client.post(
        f"/leads/{lead.pk}/opt-out/", {"how": "phone", "note": "Called: found a home already."}
    )
    assert response.status_code == 302 and response.url == f"/leads/{lead.pk}/"
    page = leader_client.get(response.url).text
    assert "Dana Prospect is opted out: no member of Pinnacle Partnerships may send them" in page
    assert "Recorded by leadership: phone" in page
    assert "Called: found a home already." in page
    assert "Record an opt-out received by phone or letter" not in page

    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason, suppression.source) == (
        "dana@example.com",
        "manual",
        "leadership",
    )
    audit = AuditEvent.objects.get(action="mail.suppressed")
    assert audit.actor == leader.user and audit.target_id == suppression.pk


def test_the_form_asks_how_the_lead_told_leadership(leader_client, lead):
    response = leader_client.post(f"/leads/{lead.pk}/opt-out/", {"note": "?"}, follow=True)
    assert "Say how the lead told you they want no more outreach." in response.text
    assert not Suppression.objects.exists()


def test_recording_an_address_already_on_the_list_changes_nothing(leader_client, lead):
    suppress(partnership=lead.partnership, email=lead.email, reason="bounced", source="esp")
    response = leader_client.post(f"/leads/{lead.pk}/opt-out/", {"how": "letter"}, follow=True)
    assert "dana@example.com is already on the suppression list (bounced on" in response.text
    assert Suppression.objects.get().source == "esp"


def test_only_leadership_records_an_opt_out(member_client, lead):
    assert "Record an opt-out" not in member_client.get(f"/leads/{lead.pk}/").text
    response = member_client.post(f"/leads/{lead.pk}/opt-out/", {"how": "phone"})
    assert response.status_code == 404
    assert not Suppression.objects.exists()


def test_a_get_records_nothing(leader_client, lead):
    assert leader_client.get(f"/leads/{lead.pk}/opt-out/").status_code == 405
    assert not Suppression.objects.exists()


# --- A new submission by the lead re-opens contact --------------------------------------------


@pytest.mark.parametrize(
    ("reason", "source"), [("unsubscribed", "one_click"), ("manual", "leadership")]
)
def test_a_new_submission_reopens_an_opted_out_lead(partnership, member, lead, reason, source):
    opt_out = suppress(partnership=partnership, email=lead.email, reason=reason, source=source)

    submit_again(partnership)

    assert not is_suppressed(partnership=partnership, email=lead.email)
    reopened = next(e for e in lead_timeline(lead, member) if e.kind == "audit")
    assert reopened.title == "Open to contact again"
    assert reopened.item.summary == "Opted back in by submitting the form again"
    # The audit keeps what was lifted: when they opted out, why and how.
    assert AuditEvent.objects.get(action="lead.reopened").data == {
        "opted_out_at": opt_out.created_at.isoformat(),
        "reason": reason,
        "source": source,
    }
    lifted = AuditEvent.objects.get(action="mail.unsuppressed")
    assert lifted.data == {"email": "dana@example.com", "reason": reason}


def test_after_reopening_outreach_may_be_queued_again(
    partnership, member_client, lead, outreach, register_outreach
):
    one_click(outreach)
    with pytest.raises(MailRefused):
        queue_email(
            partnership=partnership, key="outreach:2", template="mail/notice", to=lead.email
        )
    submit_again(partnership)
    again = queue_email(
        partnership=partnership,
        key="outreach:2",
        template="mail/notice",
        to=lead.email,
        context={"subject": "Glad to hear from you", "body": "Here are three homes."},
    )
    assert again.category == "outreach"
    page = member_client.get(f"/leads/{lead.pk}/").text
    assert "Can be contacted" in page and "Opted back in by submitting the form again" in page


@pytest.mark.parametrize("reason", ["bounced", "complained"])
def test_bounces_and_spam_complaints_stay_suppressed_whatever_the_lead_submits(
    partnership, lead, reason
):
    suppress(partnership=partnership, email=lead.email, reason=reason, source="esp")

    submit_again(partnership)

    assert Suppression.objects.get().reason == reason
    assert not AuditEvent.objects.filter(action__in=["lead.reopened", "mail.unsuppressed"])
