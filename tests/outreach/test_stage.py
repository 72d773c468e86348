"""A lead's stage as each viewer sees it: the customer stages are transaction information, shown
only to those who may see the transaction."""

import pytest

from outreach.models import Stage
from outreach.selectors.lead_outreach import lead_stage
from outreach.services import log_call
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from transactions.models import TeamMember, Transaction, TransactionKind, TransactionStage

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership)


def open_transaction(lead, member, stage=TransactionStage.OPENED):
    transaction = Transaction.objects.create(
        partnership=lead.partnership,
        lead=lead,
        kind=TransactionKind.BUY,
        stage=stage,
        opened_by=member,
    )
    TeamMember.objects.create(partnership=lead.partnership, transaction=transaction, member=member)
    return transaction


def test_a_lead_with_an_open_transaction_is_a_customer_to_its_team(lead, member):
    open_transaction(lead, member)
    assert lead_stage(lead, member) == Stage.CUSTOMER


def test_after_the_close_the_lead_is_a_past_customer_to_its_team(lead, member):
    open_transaction(lead, member, TransactionStage.CLOSED)
    assert lead_stage(lead, member) == Stage.PAST_CUSTOMER


def test_leadership_sees_the_customer_stage(lead, member, leader):
    open_transaction(lead, member)
    assert lead_stage(lead, leader) == Stage.CUSTOMER


def test_a_member_outside_the_committee_sees_only_the_engagement_stage(lead, member):
    outsider = MemberFactory(partnership=lead.partnership)
    open_transaction(lead, member)
    assert lead_stage(lead, outsider) == Stage.NEW
    log_call(member=outsider, lead=lead, outcome="no_answer", actor=outsider.user)
    assert lead_stage(lead, outsider) == Stage.CONTACTED


def test_a_transaction_that_fell_through_does_not_make_a_customer(lead, member):
    open_transaction(lead, member, TransactionStage.FELL_THROUGH)
    assert lead_stage(lead, member) == Stage.NEW
