import uuid

import pytest
from django.utils import timezone

from pinnacle.mail import services
from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.mail.services import queue_email
from pinnacle.models import AuditEvent

pytestmark = pytest.mark.django_db


def notice(partnership, key="n:1"):
    return queue_email(
        partnership=partnership,
        key=key,
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello there", "body": "Body"},
    )


def test_leadership_sees_each_message_and_its_events(leader, leader_client, other_partnership):
    message = notice(leader.partnership)
    DeliveryEvent.objects.create(
        partnership=leader.partnership,
        message=message,
        event_type="bounced",
        occurred_at=timezone.now(),
        mta_response="550 5.1.1 mailbox unavailable",
    )
    foreign = notice(other_partnership, key="n:2")
    listing = leader_client.get("/admin/mail/outboxmessage/")
    assert listing.status_code == 200 and "Hello there" in listing.text
    assert listing.context["cl"].result_count == 1
    page = leader_client.get(f"/admin/mail/outboxmessage/{message.pk}/change/")
    assert "550 5.1.1 mailbox unavailable" in page.text
    assert leader_client.get(f"/admin/mail/outboxmessage/{foreign.pk}/change/").status_code == 302


def test_plain_members_have_no_admin(member_client):
    response = member_client.get("/admin/mail/outboxmessage/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def failed_notice(partnership, key="n:failed"):
    """A message whose delivery failed while a worker still held its claim."""
    message = notice(partnership, key=key)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED,
        attempts=8,
        next_attempt_at=None,
        claimed_at=timezone.now(),
        claim_token=uuid.uuid4(),
    )
    message.refresh_from_db()
    return message


def test_retrying_a_failed_message_queues_it_from_a_clean_slate(
    leader, django_capture_on_commit_callbacks
):
    message = failed_notice(leader.partnership)

    with django_capture_on_commit_callbacks() as callbacks:
        services.retry_message(message=message, actor=leader.user)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED and message.attempts == 0
    assert message.claimed_at is None and message.claim_token is None
    assert message.next_attempt_at <= timezone.now()
    assert len(callbacks) == 1  # delivery is scheduled once the retry is committed
    event = AuditEvent.objects.get(action="mail.retried")
    assert event.actor == leader.user and event.target_id == message.pk


def test_a_message_that_has_not_failed_is_not_retried(leader):
    message = notice(leader.partnership)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT)

    with pytest.raises(services.MailRefused, match="only failed messages are retried"):
        services.retry_message(message=message, actor=leader.user)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert not AuditEvent.objects.filter(action="mail.retried").exists()


def test_the_retry_action_retries_the_failed_and_explains_the_rest(leader, leader_client):
    failed = failed_notice(leader.partnership)
    sent = notice(leader.partnership, key="n:sent")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)

    response = leader_client.post(
        "/admin/mail/outboxmessage/",
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )

    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.QUEUED and failed.claim_token is None
    assert "1 message(s) queued again." in response.text
    assert "has not failed (sent); only failed messages are retried." in response.text
    assert AuditEvent.objects.filter(action="mail.retried").count() == 1


def test_lifting_a_suppression_is_audited(leader):
    suppression = services.suppress(
        partnership=leader.partnership,
        email="lead@example.com",
        reason="unsubscribed",
        source="link",
    )

    services.lift_suppression(suppression=suppression, actor=leader.user)

    assert not services.is_suppressed(partnership=leader.partnership, email="lead@example.com")
    event = AuditEvent.objects.get(action="mail.unsuppressed")
    assert event.actor == leader.user
    assert event.summary == "lead@example.com removed from the suppression list (was: Opted out)"


def test_leadership_records_an_opt_out_by_letter_in_the_admin(leader, leader_client):
    response = leader_client.post(
        "/admin/mail/suppression/add/",
        {"email": " Lead@Example.com ", "received_via": "letter", "note": "Asked by post"},
    )

    assert response.status_code == 302
    suppression = Suppression.objects.get()
    assert suppression.email == "lead@example.com"
    assert suppression.partnership == leader.partnership
    assert (suppression.reason, suppression.source) == ("manual", "leadership")
    assert suppression.source_label == "Recorded by leadership: letter"
    assert suppression.note == "Asked by post"
    event = AuditEvent.objects.get(action="mail.suppressed")
    assert event.actor == leader.user and event.target_id == suppression.pk


def test_the_admin_asks_how_the_opt_out_reached_leadership(leader, leader_client):
    response = leader_client.post("/admin/mail/suppression/add/", {"email": "lead@example.com"})
    assert response.status_code == 200 and "This field is required." in response.text
    assert not Suppression.objects.exists()


def test_the_admin_refuses_an_address_already_on_the_list(leader, leader_client):
    services.suppress(
        partnership=leader.partnership, email="lead@example.com", reason="bounced", source="esp"
    )
    response = leader_client.post(
        "/admin/mail/suppression/add/", {"email": "LEAD@example.com", "received_via": "phone"}
    )
    assert "This address is already on the suppression list." in response.text
    assert Suppression.objects.get().source == "esp"


def test_record_opt_out_is_the_one_way_leadership_records_one(leader):
    suppression = services.record_opt_out(
        partnership=leader.partnership,
        email="Lead@Example.com",
        how="phone",
        note="Called the office",
        actor=leader.user,
    )
    assert suppression.source_label == "Recorded by leadership: phone"
    assert services.blocking_suppression(
        partnership=leader.partnership, email="lead@example.com", category="outreach"
    )
    with pytest.raises(services.MailRefused, match="already on the suppression list"):
        services.record_opt_out(
            partnership=leader.partnership,
            email="lead@example.com",
            how="letter",
            note="",
            actor=leader.user,
        )
    with pytest.raises(services.MailRefused, match="Say how the opt-out reached you"):
        services.record_opt_out(
            partnership=leader.partnership,
            email="other@example.com",
            how="carrier pigeon",
            note="",
            actor=leader.user,
        )
    assert Suppression.objects.count() == 1


def test_a_suppression_is_lifted_not_edited(leader, leader_client):
    suppression = services.suppress(
        partnership=leader.partnership,
        email="lead@example.com",
        reason="unsubscribed",
        source="link",
    )
    url = f"/admin/mail/suppression/{suppression.pk}/change/"

    leader_client.post(url, {"email": "someone.else@example.com", "reason": "manual"})

    suppression.refresh_from_db()
    assert suppression.email == "lead@example.com"
    assert "delete/" in leader_client.get(url).text


def test_removing_suppressions_in_the_admin_lifts_each_with_its_audit(leader, leader_client):
    first, second = (
        services.suppress(
            partnership=leader.partnership, email=email, reason="manual", source="leadership"
        )
        for email in ("one@example.com", "two@example.com")
    )

    leader_client.post(f"/admin/mail/suppression/{first.pk}/delete/", {"post": "yes"})
    leader_client.post(
        "/admin/mail/suppression/",
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )

    assert not Suppression.objects.exists()
    lifted = AuditEvent.objects.filter(action="mail.unsuppressed", actor=leader.user)
    assert sorted(lifted.values_list("data__email", flat=True)) == [
        "one@example.com",
        "two@example.com",
    ]
