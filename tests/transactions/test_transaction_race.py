"""Two members agreeing to the same leader at the same moment settle it exactly once; a double
click on "Open the transaction" opens one.

Real PostgreSQL, two threads, each with its own connection: the transaction row's lock makes
the second agreement wait for the first and then see the proposal settled; the lead row's lock
makes the second open wait for the first and then see it open.
"""

import threading

import pytest
from django.db import connection, connections

from leads.services import LeadRefused
from pinnacle.models import AuditEvent
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from transactions.models import LeaderProposal, Transaction, TransactionEvent
from transactions.services import lifecycle as services


def agree_at_once(proposal, members):
    """Each member agrees in their own thread, released together; returns what each got."""
    barrier = threading.Barrier(len(members))
    outcomes = {}

    def agree(member):
        try:
            barrier.wait(timeout=10)
            outcomes[member.pk] = services.agree_to_leader(proposal=proposal, actor=member)
        except LeadRefused as refusal:
            outcomes[member.pk] = str(refusal)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=agree, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_members_agreeing_at_the_same_moment_settle_the_leader_once(partnership):
    alice, bob, carol = (
        MemberFactory(partnership=partnership, display_name=name)
        for name in ("Alice Agent", "Bob Lender", "Carol Inspector")
    )
    lead = LeadFactory(partnership=partnership)
    transaction = services.open_transaction(lead=lead, member=alice, kind="buy")
    for other in (bob, carol):
        services.add_team_member(transaction=transaction, actor=alice, member=other)
    # A team of three: Alice proposes herself (one agreement); either of the others settles it.
    proposal = services.propose_leader(transaction=transaction, actor=alice, candidate=alice)

    outcomes = agree_at_once(proposal, [bob, carol])

    assert sorted(map(str, outcomes.values())) == [
        "Already settled: Alice Agent leads the team.",
        "True",
    ]
    settled = TransactionEvent.objects.filter(
        transaction=transaction, kind="leader", summary__contains="leads the team ("
    )
    assert settled.count() == 1
    assert AuditEvent.objects.filter(action="transaction.leader_settled").count() == 1
    proposal = LeaderProposal.objects.get(pk=proposal.pk)
    assert proposal.settled_at is not None and proposal.agreements.count() == 2
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_open_opens_one_transaction(partnership):
    alice = MemberFactory(partnership=partnership, display_name="Alice Agent")
    lead = LeadFactory(partnership=partnership, name="Dana Customer")
    barrier = threading.Barrier(2)
    outcomes = []

    def open_it():
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.open_transaction(lead=lead, member=alice, kind="buy"))
        except LeadRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    (opened,) = Transaction.objects.filter(lead=lead)
    assert opened in outcomes
    (refusal,) = [o for o in outcomes if isinstance(o, str)]
    assert refusal.startswith("You are already on an open buy transaction for Dana Customer")
    connection.close()
