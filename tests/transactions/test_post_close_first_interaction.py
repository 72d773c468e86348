"""After a close: leadership's first client interaction (written or a call, who took part, the
email to the customer) and the confidentiality of the post-close emails."""

import pytest

from leads.models import Lead
from leads.selectors.timeline import lead_timeline
from leads.services import LeadRefused
from pinnacle.mail.models import OutboxMessage
from tests.transactions import post_close_helpers
from tests.transactions.post_close_helpers import CLOSING_EVENING, Kind, at, delivered, events, step
from transactions.models import ClientInteraction
from transactions.services.lifecycle import remove_team_member
from transactions.services.postclose import (
    confirm_meeting,
    draft_interaction_text,
    names_in_text,
    propose_meeting_times,
    record_client_interaction,
)
from transactions.services.postclose.sweep import sweep_post_close
from transactions.services.thank_you import send_letter

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

# The shared fixtures, bound here so that pytest finds them in this module.
closed = post_close_helpers.closed
people = post_close_helpers.people


# Leadership's first client interaction


def test_the_drafted_written_interaction_names_every_committee_member(people, closed):
    text = draft_interaction_text(closed)
    assert text.startswith("Dear Dana Customer,")
    assert "Alice Agent, Larry Lender, and Ines Inspector" in text
    assert "Alice Agent led your team" in text
    assert text.endswith("Pinnacle Partnerships leadership")


def test_a_written_interaction_must_name_every_committee_member(people, closed):
    with pytest.raises(LeadRefused) as refusal:
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22, 0),
            participants=[people.lee, people.alice],
            body="Dear Dana, congratulations from Alice Agent and all of us.",
        )
    assert str(refusal.value) == (
        "A written interaction names every member who was involved in the transaction; "
        "add Larry Lender and Ines Inspector."
    )
    assert not ClientInteraction.objects.exists()


def test_the_leader_must_take_part(people, closed):
    with pytest.raises(LeadRefused, match="The transaction's leader, Alice Agent, must take part"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.lee, people.larry],
        )


@pytest.mark.parametrize("who", ["alice", "larry"])
def test_only_leadership_records_its_first_interaction(people, closed, who):
    with pytest.raises(LeadRefused, match="Only Pinnacle Partnerships leadership records"):
        record_client_interaction(
            transaction=closed,
            actor=getattr(people, who),
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.alice],
        )


def test_an_outsider_cannot_be_listed_as_taking_part(people, closed):
    with pytest.raises(LeadRefused, match="Nora Outsider is neither on the transaction committee"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.IN_PERSON,
            occurred_at=at(3, 22),
            participants=[people.alice, people.nora],
        )


@pytest.mark.parametrize(
    "occurred_at, message",
    [(at(3, 22, 31), "once it has taken place"), (at(2, 23, 59), "on or after the closing day")],
)
def test_the_interaction_happened_between_the_close_and_now(people, closed, occurred_at, message):
    with pytest.raises(LeadRefused, match=message):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=occurred_at,
            participants=[people.alice, people.lee],
        )


def test_a_live_call_is_recorded_with_who_took_part_and_when(people, closed, clock):
    clock.move_to(at(5, 12))
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(5, 11),
        participants=[people.lee, people.alice],
    )
    assert set(interaction.participants.all()) == {people.lee, people.alice}
    assert step(closed, Kind.FIRST_INTERACTION).completed_at == at(5, 11)
    assert events(closed) == [
        "Leadership's first client interaction (live telephone call) with Lee Leadership and "
        "Alice Agent"
    ]
    assert not OutboxMessage.objects.filter(template="leads/client_interaction").exists()
    with pytest.raises(LeadRefused, match="already recorded"):
        record_client_interaction(
            transaction=closed,
            actor=people.lou,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(5, 11),
            participants=[people.alice],
        )


def test_a_written_interaction_can_be_emailed_to_the_customer_from_leadership(people, closed):
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),
        email_customer=True,
    )
    assert interaction.emailed_at == CLOSING_EVENING
    assert interaction.occurred_at == CLOSING_EVENING
    (sent,) = delivered("leads/client_interaction")
    assert sent.to == ["dana@example.com"]
    assert sent.from_email.startswith('"Lee Leadership, Pinnacle Partnerships leadership"')
    assert sent.reply_to == [people.lee.email]
    assert sent.subject == "Congratulations on your closing, Dana Customer"
    assert "Alice Agent, Larry Lender, and Ines Inspector" in sent.body
    html = sent.alternatives[0][0]
    assert people.partnership.seal_url in html and people.partnership.website_url in html
    assert step(closed, Kind.FIRST_INTERACTION).completed_by == people.lee


def test_only_a_written_interaction_is_emailed(people, closed):
    with pytest.raises(LeadRefused, match="Only a written interaction can be emailed"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.alice],
            email_customer=True,
        )


def test_the_leader_gets_a_copy_of_the_written_interaction_emailed_to_the_customer(people, closed):
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed) + "\n\nP.S. Alice says hello.",
        email_customer=True,
    )
    (copy,) = delivered("leads/client_interaction_copy")
    assert copy.to == [people.alice.email]
    assert copy.reply_to == [people.lee.email]
    assert copy.subject == "Copy: leadership's note to Dana Customer after the closing"
    assert "Lee Leadership emailed Dana Customer (dana@example.com)" in copy.body
    assert "P.S. Alice says hello." in copy.body


def test_a_member_taken_off_the_team_is_still_named_in_the_written_interaction(people, closed):
    remove_team_member(transaction=closed, actor=people.alice, member=people.larry)
    text = draft_interaction_text(closed)
    assert "Alice Agent, Ines Inspector, and Larry Lender" in text
    with pytest.raises(LeadRefused, match="add Larry Lender"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22),
            participants=[people.lee, people.alice],
            body="Dear Dana, thank you from Alice Agent and Ines Inspector.",
        )
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=text,
    )
    assert ClientInteraction.objects.filter(transaction=closed).exists()


@pytest.mark.parametrize(
    "name, text, named",
    [
        ("Al", "We also thank you.", False),
        ("Al", "Al and Alice thank you.", True),
        ("Al", "Thank you, al.", True),
        ("Ann Lee", "Joann Leeds sends her best.", False),
        ("Ann Lee", "ANN  LEE sends her best.", True),
        ("Ann Lee", "Ann\nLee sends her best.", True),
        ("J. Smith", "J. Smithers", False),
        ("J. Smith", "From J. Smith.", True),
    ],
)
def test_a_member_is_named_by_their_whole_name_on_word_boundaries(name, text, named):
    assert names_in_text(name, text) is named


def test_a_short_name_inside_another_word_does_not_count(people, closed):
    people.ines.display_name = "Al"
    people.ines.save()
    body = "Dear Dana, Alice Agent and Larry Lender also thank you."
    with pytest.raises(LeadRefused, match=r"add Al\.$"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22),
            participants=[people.lee, people.alice],
            body=body,
        )
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=body + " So does AL.",
    )


def test_a_call_keeps_no_written_text(people, closed):
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),  # the draft left in the form
    )
    assert interaction.body == ""


# Confidentiality of the post-close emails


def test_every_post_close_email_is_about_the_transaction_never_on_the_leads_timeline(
    people, closed, clock
):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    send_letter(transaction=closed, actor=people.alice)
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),
        email_customer=True,
    )
    # Another customer's transaction where nothing is done: reminded, then escalated.
    other = people.close(
        lead=Lead.objects.create(
            partnership=people.partnership,
            name="Omar Other",
            email="omar@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
    )
    sweep_post_close(now=at(5, 0))
    sweep_post_close(now=at(12, 0))

    templates = set(OutboxMessage.objects.values_list("template", flat=True))
    assert templates == {
        "leads/post_close_meeting_proposed",
        "leads/post_close_meeting_confirmed",
        "leads/thank_you_letter",
        "leads/client_interaction",
        "leads/client_interaction_copy",
        "leads/post_close_reminder",
        "leads/post_close_escalation",
    }
    for message in OutboxMessage.objects.select_related("content_type"):
        assert message.content_type.model == "transaction", message.template
        assert message.object_id in (closed.pk, other.pk), message.template
    # Every member reads a lead's timeline: these emails are there only for the committee and
    # leadership, never for a member off the team.
    for lead in (closed.lead, other.lead):
        assert not [e for e in lead_timeline(lead, people.nora) if e.kind == "email"]
        for viewer in (people.larry, people.lee):
            assert [e for e in lead_timeline(lead, viewer) if e.kind == "email"]
