import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from leads.models import Lead
from members.models import Member
from outreach.models import (
    Attempt,
    DecisionNote,
    LeadReply,
    OutreachPair,
    Recommendation,
    Refusal,
    Template,
)
from outreach.selectors.policy import pair_state
from pinnacle.mail.models import OutboxMessage, Suppression

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MODELS = (
    Template,
    OutreachPair,
    Attempt,
    Refusal,
    LeadReply,
    Recommendation,
    DecisionNote,
    Suppression,
    OutboxMessage,
)

DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY


def counts():
    return [m.objects.count() for m in MODELS]


def test_seed_demo_adds_outreach_once(seeded_demo):
    agent = Member.objects.get(user__email="agent@pinnacle.localhost")
    lender = Member.objects.get(user__email="lender@pinnacle.localhost")
    stages = sorted(s for t in Template.objects.filter(member=agent) for s in t.stages)
    assert stages == ["contacted", "new"]
    assert Attempt.objects.filter(member=agent).count() == 4
    assert Attempt.objects.filter(member=lender).count() == 2
    assert set(Attempt.objects.values_list("channel", "outcome")) == {
        ("portal_email", ""),
        ("call", "voicemail"),
        ("call", "spoke"),
    }
    assert LeadReply.objects.filter(member=lender).exists()
    assert Recommendation.objects.get().recommended.count() == 2
    assert DecisionNote.objects.filter(member=lender).exists()
    # The demo's emails went out before the leads acted on them, days ago.
    sent = OutboxMessage.objects.filter(category="outreach")
    assert sent.count() == 4 and set(sent.values_list("status", flat=True)) == {"sent"}
    assert all(m.sent_at < timezone.now() - 2 * DAY for m in sent)

    # Ethan Brooks: two cold attempts this week; the third was refused until a week after the
    # first.
    ethan = Lead.objects.get(email="ethan.brooks@example.net")
    state = pair_state(agent, ethan, timezone.now())
    assert state.attempts_this_week == 2 and state.is_cold
    refusal = Refusal.objects.get()
    assert refusal.lead == ethan and refusal.reason == "cadence"
    week_after_first = Attempt.objects.filter(lead=ethan).earliest("made_at").made_at + WEEK
    assert state.next_allowed_at == refusal.next_allowed_at == week_after_first

    # Sophia Ramirez opted out from the agent's email, through its link, after it was sent.
    opt_out = Suppression.objects.get()
    assert opt_out.email == "sophia.ramirez@example.net" and opt_out.source == "link"
    message = opt_out.source_message
    assert Attempt.objects.get(message=message).member == agent
    assert message.sent_at < opt_out.created_at < timezone.now()
    sophia = Lead.objects.get(email="sophia.ramirez@example.net")
    assert pair_state(lender, sophia, timezone.now()).opted_out

    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
