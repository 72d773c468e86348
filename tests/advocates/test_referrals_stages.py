"""Referrals' stages by hand and following the lead's transaction (only when the owner may see it),
and the progress note (plain words, no transaction detail, sent once)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from advocates.models import Interaction, ReferralEvent, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services import referrals as services
from pinnacle.mail.models import OutboxMessage
from tests.advocates.referrals_helpers import receive
from tests.members.factories import MemberFactory
from transactions.models import TransactionStage
from transactions.services import lifecycle as lead_transactions

pytestmark = pytest.mark.django_db


# --- Stages ----------------------------------------------------------------------------------


def test_stage_by_hand_records_the_event_and_prompts_for_a_note(carol):
    referral = receive(carol)
    referral = services.advance_referral(referral=referral, stage=ReferralStage.CONTACTED)
    assert referral.stage == ReferralStage.CONTACTED
    assert referral.untold_stage == ReferralStage.CONTACTED
    assert services.progress_prompt(referral) == (
        "Let Carol Advocate know: Dan Buyer is now Contacted"
    )
    assert referral.events.filter(stage=ReferralStage.CONTACTED).exists()


def test_lost_is_final_unless_reopened(carol):
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.LOST)
    with pytest.raises(AdvocatesRefused, match="reopen"):
        services.advance_referral(referral=referral, stage=ReferralStage.CONTACTED)
    referral = services.advance_referral(
        referral=referral, stage=ReferralStage.CONTACTED, reopen=True
    )
    assert referral.stage == ReferralStage.CONTACTED


def test_the_referral_follows_the_transaction_its_owner_works_on(carol, member, partnership):
    referral = receive(carol)
    bob = MemberFactory(partnership=partnership)
    transaction = lead_transactions.open_transaction(
        lead=referral.lead, member=member, kind="buy", value=Decimal("450000")
    )
    referral.refresh_from_db()
    assert referral.stage == ReferralStage.CONTACTED

    lead_transactions.add_team_member(transaction=transaction, actor=member, member=bob)
    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.UNDER_CONTRACT
    )
    referral.refresh_from_db()
    assert referral.stage == ReferralStage.UNDER_CONTRACT

    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.CLOSED
    )
    referral.refresh_from_db()
    assert referral.stage == ReferralStage.CLOSED
    assert referral.closed_value == Decimal("450000")
    assert referral.untold_stage == ReferralStage.CLOSED


def test_fell_through_moves_the_referral_back_to_contacted(carol, member, partnership):
    referral = receive(carol)
    transaction = lead_transactions.open_transaction(lead=referral.lead, member=member, kind="buy")
    lead_transactions.add_team_member(
        transaction=transaction, actor=member, member=MemberFactory(partnership=partnership)
    )
    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.UNDER_CONTRACT
    )
    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.FELL_THROUGH
    )
    referral.refresh_from_db()
    assert referral.stage == ReferralStage.CONTACTED


def test_a_member_off_the_committee_learns_nothing_from_the_transaction(carol, partnership):
    referral = receive(carol)
    bob = MemberFactory(partnership=partnership)
    lead_transactions.open_transaction(lead=referral.lead, member=bob, kind="buy")

    referral.refresh_from_db()
    assert referral.stage == ReferralStage.RECEIVED and referral.untold_stage == ""
    assert referral.events.count() == 1


# --- Progress notes ------------------------------------------------------------------------


def test_the_progress_note_says_the_stage_in_plain_words_only(carol, member, partnership):
    referral = receive(carol)
    bob = MemberFactory(partnership=partnership, display_name="Bob Lender")
    transaction = lead_transactions.open_transaction(
        lead=referral.lead,
        member=member,
        kind="buy",
        value=Decimal("654321"),
        property_address="12 Elm Street, Austin TX",
        expected_close_on=datetime.date(2031, 7, 15),
    )
    lead_transactions.add_team_member(transaction=transaction, actor=member, member=bob)
    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.UNDER_CONTRACT
    )
    referral.refresh_from_db()

    services.send_progress_note(referral=referral, actor=member.user)

    message = OutboxMessage.objects.get(template="advocates/progress_note")
    assert message.to_email == "carol@example.net"
    assert message.reply_to == member.email and "Alice Agent" in message.from_email
    assert message.idempotency_key == f"progress:{referral.pk}:under_contract"
    for body in (message.subject, message.body_text, message.body_html):
        for detail in ("12 Elm", "654", "2031", "Jul", "Bob Lender", "Lender"):
            assert detail not in body
    assert "Hello Carol Advocate" in message.body_text
    assert "Thank you again for referring Dan Buyer" in message.body_text
    assert "Dan Buyer is now under contract." in message.body_text
    assert "Alice Agent" in message.body_text  # the member's signature
    referral.refresh_from_db()
    assert referral.untold_stage == ""
    assert Interaction.objects.get(contact=carol).message == message
    assert ReferralEvent.objects.filter(referral=referral, message=message).exists()


def test_the_progress_note_is_sent_once(carol, member_client):
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CONTACTED)
    url = reverse("referral_progress_note", args=[referral.pk])

    preview = member_client.get(url)
    assert preview.status_code == 200
    assert b"I have been in touch with Dan Buyer." in preview.content
    assert not OutboxMessage.objects.exists()

    member_client.post(url)
    member_client.post(url)
    assert OutboxMessage.objects.count() == 1
    assert Interaction.objects.filter(contact=carol).count() == 1


def test_dismiss_clears_the_prompt_without_email(carol, member_client):
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CONTACTED)
    member_client.post(reverse("referral_dismiss_note", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.untold_stage == "" and not OutboxMessage.objects.exists()


def test_the_dashboard_shows_referrers_to_update(carol, member_client):
    services.advance_referral(referral=receive(carol), stage=ReferralStage.CONTACTED)
    response = member_client.get(reverse("dashboard"))
    assert b"Referrers to update" in response.content
    assert b"Let Carol Advocate know: Dan Buyer is now Contacted" in response.content
