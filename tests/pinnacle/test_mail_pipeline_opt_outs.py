"""The mail pipeline's opt-outs: outreach versus transactional mail, the one-click opt-out,
previews, and suppression (opt-outs, bounces, complaints) refusing outreach per partnership."""

import datetime

import pytest
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import MailRefused, preview_email, queue_email, suppress
from pinnacle.mail.tokens import read_unsubscribe_token
from tests.conftest import client_for
from tests.pinnacle.mail_pipeline_helpers import Status, notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_locmem")]


@pytest.fixture
def outreach_notice(register_outreach):
    """The "mail/notice" template is outreach in this test, as an app's outreach template is."""
    register_outreach("mail/notice")


def reply(partnership, key="reply:1", to="lead@example.com"):
    """A direct answer to the person's own request: never outreach."""
    return queue_email(
        partnership=partnership,
        key=key,
        template="account/generic",
        to=to,
        context={"subject": "Your answer", "body": "Here it is."},
    )


def suppress_lead(partnership, reason, email="Lead@Example.com"):
    return suppress(partnership=partnership, email=email, reason=reason, source="esp")


def test_the_pipeline_decides_the_category_from_the_template(partnership, register_outreach):
    assert notice(partnership, key="before").category == OutboxMessage.Category.TRANSACTIONAL
    register_outreach("mail/notice")
    assert notice(partnership, key="after").category == OutboxMessage.Category.OUTREACH
    assert reply(partnership).category == OutboxMessage.Category.TRANSACTIONAL
    with pytest.raises(TypeError):
        notice(partnership, key="chosen", category=OutboxMessage.Category.TRANSACTIONAL)


def test_outreach_carries_one_click_opt_out_naming_its_message(partnership, outreach_notice):
    message = notice(partnership)
    delivery.deliver(message.pk)
    sent = mail.outbox[0]
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith(partnership.base_url + "/unsubscribe/")
    html = sent.alternatives[0][0]
    assert f"Opt out of future outreach from Pinnacle Partnerships members: {url}" in sent.body
    assert f'<a href="{url}" style="color:#5b6475;">Opt out of future outreach</a>' in html
    token = read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1])
    assert token == (partnership.pk, "lead@example.com", message.pk)


def test_a_preview_is_the_queued_message_but_saves_sends_and_opts_out_nothing(
    partnership, outreach_notice, django_capture_on_commit_callbacks
):
    args = {
        "partnership": partnership,
        "template": "mail/notice",
        "to": "lead@example.com",
        "context": {"subject": "Hello there", "body": "First line."},
        "sender_name": "Alice Agent",
    }
    with django_capture_on_commit_callbacks() as callbacks:
        preview = preview_email(**args)
    assert not OutboxMessage.objects.exists() and callbacks == []
    link = preview.headers["List-Unsubscribe"].strip("<>")
    assert preview.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client_for(partnership).post(link.split(partnership.host, 1)[1]).status_code == 404

    queued = queue_email(key="notice:1", **args)
    real_link = queued.headers["List-Unsubscribe"].strip("<>")
    for field in ("subject", "from_email", "category"):
        assert getattr(preview, field) == getattr(queued, field)
    assert preview.body_text.replace(link, real_link) == queued.body_text
    assert preview.body_html.replace(link, real_link) == queued.body_html


def test_a_transactional_message_has_no_opt_out(partnership):
    delivery.deliver(reply(partnership).pk)
    sent = mail.outbox[0]
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "Opt out" not in sent.body and "Opt out" not in sent.alternatives[0][0]


def test_outreach_to_an_opted_out_address_is_refused_when_queued(
    partnership, outreach_notice, django_capture_on_commit_callbacks
):
    suppress_lead(partnership, Suppression.Reason.UNSUBSCRIBED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(MailRefused, match=r"lead@example\.com gets no outreach from Pinnacle"),
    ):
        notice(partnership, to=" LEAD@example.com ")
    assert not OutboxMessage.objects.exists()
    assert callbacks == [] and mail.outbox == []
    assert delivery.sweep() == 0


def test_outreach_to_a_bounced_address_is_refused_when_queued(partnership, outreach_notice):
    suppress_lead(partnership, Suppression.Reason.BOUNCED)
    with pytest.raises(MailRefused, match=r"\(bounced on "):
        notice(partnership)
    assert not OutboxMessage.objects.exists()


def test_a_direct_answer_to_an_opted_out_person_is_still_queued_and_sent(
    partnership, outreach_notice
):
    suppress_lead(partnership, Suppression.Reason.UNSUBSCRIBED)
    assert delivery.deliver(reply(partnership).pk) == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your answer"]


def test_a_hard_bounce_stops_all_mail_to_the_address(partnership):
    suppress_lead(partnership, Suppression.Reason.BOUNCED)
    welcome = notice(partnership, key="welcome:1")  # transactional: stopped all the same
    assert delivery.deliver(welcome.pk) == Status.SUPPRESSED
    welcome.refresh_from_db()
    assert welcome.status_reason == "Recipient suppressed: Bounced"
    assert mail.outbox == []


def test_a_complaint_stops_all_mail_to_the_address(partnership):
    suppress_lead(partnership, "complained", email="lead@example.com")
    assert delivery.deliver(notice(partnership).pk) == Status.SUPPRESSED
    assert mail.outbox == []


def test_outreach_queued_before_an_opt_out_is_refused_at_delivery(partnership, outreach_notice):
    outreach = notice(partnership)
    answer = reply(partnership)
    suppress_lead(partnership, "unsubscribed")  # between queueing and delivery
    assert delivery.deliver(outreach.pk) == Status.SUPPRESSED
    assert delivery.deliver(answer.pk) == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your answer"]


def test_suppression_is_per_partnership(partnership, other_partnership, outreach_notice):
    suppress_lead(other_partnership, "unsubscribed", email="lead@example.com")
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.SENT
    assert Suppression.objects.for_partnership(partnership).count() == 0


def test_a_suppression_another_worker_recorded_meanwhile_is_not_reported_as_ours(
    partnership, clock, monkeypatch
):
    from pinnacle.mail import services

    suppress_lead(partnership, Suppression.Reason.BOUNCED)
    message = notice(partnership)
    check = services.blocking_suppression

    def outlasting_the_lease(**kwargs):
        monkeypatch.setattr(services, "blocking_suppression", check)
        clock.shift(datetime.timedelta(minutes=10, seconds=1))
        assert delivery.deliver(message.pk) == Status.SUPPRESSED  # the second worker
        return check(**kwargs)

    monkeypatch.setattr(services, "blocking_suppression", outlasting_the_lease)
    assert delivery.deliver(message.pk) is None
