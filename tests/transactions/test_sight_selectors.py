"""The confidentiality selectors' own answers (transactions/selectors/sight.py), read directly:
what each returns to the callers the pages build on (the sight of a grantee and the
authorization it names, the looks logged from a list, a lead's transactions newest first and
read once per page, the committee's own transactions, the access a member has to one of
them). The pages that use them are tested in test_transaction_confidentiality_*.py."""

import datetime

import pytest
from django.http import Http404

from pinnacle.memo import page_memo
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions.factories import DisclosureFactory, TransactionEventFactory
from tests.transactions.transaction_builders import team_transaction
from transactions.models import Transaction, TransactionEvent
from transactions.selectors.sight import (
    ALL_COVERS,
    Access,
    Sight,
    access_to,
    lead_transactions_seen,
    outside_looks,
    sight_annotations,
    sight_for,
    sight_of_grants,
    team_transactions,
    transaction_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the disclosures' signed documents


@pytest.fixture
def deal(member):
    return team_transaction(member)


@pytest.fixture
def grantee(partnership):
    return MemberFactory(partnership=partnership, display_name="Grace Grantee")


def test_without_a_live_authorization_the_sight_covers_nothing_and_names_none():
    assert sight_of_grants([]) == Sight(Access.DISCLOSURE, frozenset(), None, ())


def test_a_grantees_sight_names_the_newest_of_their_authorizations(clock, deal, grantee):
    older = DisclosureFactory(transaction=deal, grantee_member=grantee, covers=["stage"])
    clock.shift(datetime.timedelta(hours=1))
    newer = DisclosureFactory(transaction=deal, grantee_member=grantee, covers=["notes"])
    sight = sight_for(grantee, deal, Access.DISCLOSURE)
    assert (sight.covers, sight.disclosure_id, sight.grants) == (
        frozenset({"stage", "notes"}),
        newer.pk,
        (newer, older),
    )


def test_an_entry_without_an_author_reads_as_written_to_a_grantee():
    grantee = Sight(Access.DISCLOSURE, ALL_COVERS - {"team"})
    for summary in ("Offer accepted", "XXXX signed the addendum"):
        assert grantee.event_summary(TransactionEvent(actor=None, summary=summary)) == summary


def test_a_grantee_reads_the_author_of_an_entry_as_a_team_member(member):
    grantee = Sight(Access.DISCLOSURE, ALL_COVERS - {"team"})
    event = TransactionEvent(actor=member, summary="Alice Agent booked the inspection")
    assert grantee.event_summary(event) == "A team member booked the inspection"


def test_sight_annotations_follow_a_reference_to_the_transaction(deal, member, grantee):
    """Rows that name a transaction through a foreign key (`ref`) read its sight as its own."""
    other = team_transaction(MemberFactory(partnership=deal.partnership))
    DisclosureFactory(transaction=other, grantee_member=grantee, covers=["stage"])
    TransactionEventFactory(transaction=deal)
    TransactionEventFactory(transaction=other)
    rows = TransactionEvent.objects.filter(transaction__in=[deal, other]).annotate(
        **sight_annotations(member, "transaction")
    )
    assert {row.transaction_id: row.is_team for row in rows} == {deal.pk: True, other.pk: False}
    rows = TransactionEvent.objects.filter(transaction=other).annotate(
        **sight_annotations(grantee, "transaction")
    )
    assert [(row.is_team, row.granted) for row in rows] == [(False, ["stage"])]


def test_the_looks_of_a_grantee_from_a_list_name_their_authorization(deal, grantee):
    disclosure = DisclosureFactory(transaction=deal, grantee_member=grantee, covers=["stage"])
    rows = Transaction.objects.filter(pk=deal.pk).annotate(**sight_annotations(grantee))
    assert outside_looks(grantee, rows) == [
        (deal.pk, Sight(Access.DISCLOSURE, frozenset(), disclosure.pk))
    ]


def test_a_leads_transactions_come_newest_first_with_their_leader(
    clock, partnership, member, django_assert_num_queries
):
    lead = LeadFactory(partnership=partnership)
    first = team_transaction(member, lead=lead)
    clock.shift(datetime.timedelta(days=1))
    second = team_transaction(member, lead=lead)
    # Created in the same instant: the one recorded last comes first.
    third = team_transaction(member, lead=lead)
    # An older row recorded after the others comes after them all the same.
    earlier = team_transaction(member, lead=lead)
    Transaction.objects.filter(pk=earlier.pk).update(
        created_at=first.created_at - datetime.timedelta(days=1)
    )
    seen = lead_transactions_seen(lead, member)
    assert [t.pk for t, _ in seen] == [third.pk, second.pk, first.pk, earlier.pk]
    with django_assert_num_queries(0):
        assert {t.leader.display_name for t, _ in seen} == {"Alice Agent"}


def test_a_page_reads_each_leads_transactions_for_that_lead(partnership, member):
    one, two = LeadFactory(partnership=partnership), LeadFactory(partnership=partnership)
    deal_one, deal_two = team_transaction(member, lead=one), team_transaction(member, lead=two)
    with page_memo():
        assert [t.pk for t, _ in lead_transactions_seen(one, member)] == [deal_one.pk]
        assert [t.pk for t, _ in lead_transactions_seen(two, member)] == [deal_two.pk]


def test_team_transactions_are_the_members_committees(deal, member):
    team_transaction(MemberFactory(partnership=deal.partnership))
    assert list(team_transactions(member)) == [deal]


def test_a_seat_on_one_committee_opens_no_other_transaction(deal, member):
    other = team_transaction(MemberFactory(partnership=deal.partnership))
    assert access_to(member, deal) == (Access.TEAM, None)
    assert access_to(member, other) is None


def test_transaction_for_reads_the_lead_and_the_leader_with_the_transaction(
    deal, member, django_assert_num_queries
):
    transaction, access, grant = transaction_for(member, deal.pk)
    assert (transaction, access, grant) == (deal, Access.TEAM, None)
    with django_assert_num_queries(0):
        assert (transaction.lead.pk, transaction.leader.pk) == (deal.lead_id, member.pk)


def test_transaction_for_someone_elses_transaction_is_a_404(deal, grantee):
    with pytest.raises(Http404):
        transaction_for(grantee, deal.pk)
