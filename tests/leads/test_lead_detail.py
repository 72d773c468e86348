"""A lead's page: who they are, and everything that happened with them, newest first."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads.models import FormKind, Lead
from leads.selectors.timeline import TIMELINE_PAGE_SIZE, lead_timeline, timeline_page
from leads.services.inquiries import express_interest, respond_to_inquiry
from leads.services.intake import submit_lead
from pinnacle.mail.models import DeliveryEvent, OutboxMessage
from pinnacle.mail.services import advance_status, suppress
from pinnacle.models import AuditEvent
from pinnacle.tenancy import record_audit
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory, SubmissionFactory
from tests.members.factories import MemberFactory
from tests.transactions.factories import DisclosureFactory
from transactions.models import ClientInteraction, Transaction
from transactions.services import lifecycle as transactions
from transactions.services.customer import send_customer_link
from transactions.services.postclose import (
    confirm_meeting,
    draft_interaction_text,
    propose_meeting_times,
    record_client_interaction,
)
from transactions.services.postclose.sweep import sweep_post_close
from transactions.services.thank_you import send_letter

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def rita(partnership):
    return MemberFactory(partnership=partnership, display_name="Rita Referrer")


@pytest.fixture
def story(partnership, member, rita, leader, time_machine):
    """A lead's first weeks, each step at its own time, through the real use cases."""

    def at(hours):
        time_machine.move_to(START + datetime.timedelta(hours=hours), tick=False)

    at(0)
    first = submit_lead(
        partnership=partnership,
        form=FormKind.JOIN,
        name="Dana Prospect",
        email="Dana@Example.com",
        phone="(512) 555-0199",
        need="buy",
        timeframe="3m",
        consent=True,
        referrer=rita,
        utm={"utm_source": "facebook", "utm_medium": "social", "utm_campaign": "spring"},
    )
    lead = first.lead
    welcome = OutboxMessage.objects.get(idempotency_key=f"welcome:submission:{first.pk}")
    DeliveryEvent.objects.create(
        partnership=partnership, message=welcome, event_type="delivered", occurred_at=START
    )
    advance_status(welcome, OutboxMessage.Status.DELIVERED)

    at(24)
    inquiry = express_interest(lead=lead, member=member, message="Can we see homes in Hyde Park?")
    at(26)
    response = respond_to_inquiry(
        inquiry=inquiry,
        member=member,
        kind="ack",
        body="Got it, Dana. I will send listings.",
        follow_up_on=datetime.date(2025, 3, 7),
    )
    at(48)
    record_audit(
        partnership=partnership,
        actor=leader.user,
        action="lead.reassigned",
        target=lead,
        summary="Reassigned from Rita Referrer to Alice Agent",
    )
    Lead.objects.filter(pk=lead.pk).update(referring_member=member)
    at(72)
    second = submit_lead(
        partnership=partnership,
        form=FormKind.CONTACT,
        name="Dana Prospect",
        email="dana@example.com",
        need="sell",
        timeframe="now",
        message="Actually we also need to sell our condo first.",
    )
    at(96)
    return {
        "lead": lead,
        "first": first,
        "second": second,
        "inquiry": inquiry,
        "response": response,
    }


def test_anonymous_visitors_are_sent_to_log_in(anon_client, partnership):
    lead = LeadFactory(partnership=partnership)
    response = anon_client.get(f"/leads/{lead.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_partnerships_lead_is_404(member_client, other_partnership):
    foreign = LeadFactory(partnership=other_partnership)
    assert member_client.get(f"/leads/{foreign.pk}/").status_code == 404
    assert member_client.get("/leads/999999999/").status_code == 404


def test_header_shows_who_the_lead_is(member_client, story):
    page = member_client.get(f"/leads/{story['lead'].pk}/").text
    assert '<h1 id="lead-name">Dana Prospect</h1>' in page
    for text in (
        'href="mailto:dana@example.com"',
        "(512) 555-0199",
        "Sell a home",  # what they need now, from the latest form
        "Right away",
        "Facebook",
        "utm_campaign: spring",
        "Alice Agent",  # after the reassignment
        "Agreed to be contacted on <time",
        ">March 4, 2025, 9 a.m.</time>",
        "Can be contacted",
        "Your lead",
    ):
        assert text in page, text


def test_an_opted_out_lead_says_so(member_client, partnership, time_machine):
    lead = LeadFactory(partnership=partnership, email="gone@example.com")
    time_machine.move_to(START, tick=False)
    suppress(
        partnership=partnership, email="GONE@example.com", reason="unsubscribed", source="link"
    )
    page = member_client.get(f"/leads/{lead.pk}/").text
    assert '<span class="status bad">Opted out</span> on <time' in page
    assert ">March 4, 2025, 9 a.m.</time>" in page
    assert "No member of Pinnacle Partnerships may send them outreach." in page


def test_timeline_merges_every_source_newest_first(story, member):
    entries = lead_timeline(story["lead"], member)
    moments = [(int((e.at - START).total_seconds() // 3600), e.kind) for e in entries]
    # Each form queues the welcome email and, with a referrer, the referrer's notice and thanks;
    # what happened at the same moment lists the emails above the form that caused them. The
    # online form naming nobody is also an inquiry to leadership (its notice to the leader).
    assert moments == [
        *[(72, "email")] * 4,
        (72, "submission"),
        (72, "inquiry"),
        (48, "audit"),
        (26, "email"),
        (26, "response"),
        (24, "email"),
        (24, "inquiry"),
        *[(0, "email")] * 3,
        (0, "submission"),
    ]
    lead_emails = OutboxMessage.objects.filter(
        content_type__model="lead", object_id=story["lead"].pk
    )
    assert len([e for e in entries if e.kind == "email"]) == lead_emails.count()

    contact = entries[4]
    assert contact.title == "Online form submitted" and contact.item == story["second"]
    assert entries[5].title == "Wrote to Leadership through the online form"
    first_form = entries[-1]
    assert first_form.title == "Directory access request submitted"
    assert first_form.item.named_referrer.display_name == "Rita Referrer"

    inquiry = [e for e in entries if e.kind == "inquiry"][-1]
    assert inquiry.title == "Expressed interest in Alice Agent"
    assert (inquiry.status, inquiry.tone) == ("Answered in time", "ok")
    response = next(e for e in entries if e.kind == "response")
    assert response.label == "Acknowledged" and response.item == story["response"]

    delivered = [e for e in entries if e.kind == "email" and e.status == "Delivered"]
    assert len(delivered) == 1 and delivered[0].tone == "ok"
    assert delivered[0].item.event_count == 1


def test_timeline_page_reads_well(member_client, story):
    page = member_client.get(f"/leads/{story['lead'].pk}/").text
    timeline = page[page.index('id="timeline-heading"') :]
    for text in (
        "Actually we also need to sell our condo first.",
        "Reassigned from Rita Referrer to Alice Agent",
        "Got it, Dana. I will send listings.",
        "March 7, 2025",  # the promised follow-up
        "Can we see homes in Hyde Park?",
        'class="badge badge-ok">Answered in time',
        'class="badge badge-ok">Delivered',
        "1 delivery event",
        "dana@example.com",
    ):
        assert text in timeline, text
    # Newest first on the page too.
    assert (
        timeline.index("sell our condo")
        < timeline.index("Reassigned")
        < timeline.index("Hyde Park")
    )


def test_overdue_and_waiting_inquiries(partnership, member, time_machine):
    time_machine.move_to(START, tick=False)
    lead = LeadFactory(partnership=partnership)
    InquiryFactory(lead=lead, member=member, due_at=START - datetime.timedelta(hours=1))
    InquiryFactory(
        lead=lead,
        member=MemberFactory(partnership=partnership),
        due_at=START + datetime.timedelta(hours=5),
    )
    states = sorted((e.status, e.tone) for e in lead_timeline(lead, member))
    assert states == [("Awaiting reply", "info"), ("Overdue", "bad")]


def test_timeline_queries_do_not_grow_with_its_rows(
    partnership, member, story, django_assert_num_queries
):
    # Submissions, emails, inquiries, responses, audit events: one query each; the outreach
    # app's five sources (attempts, refusals, replies, recommendations, decision notes); the
    # lead's transactions the viewer may see (their entries are not read: there are none);
    # and, once for all of them, whose writing is sealed from the viewer.
    lead = story["lead"]
    with django_assert_num_queries(12):
        before = len(lead_timeline(lead, member))
    for n in range(5):
        SubmissionFactory(lead=lead, message=f"more {n}")
        inquiry = InquiryFactory(lead=lead, member=MemberFactory(partnership=partnership))
        respond_to_inquiry(inquiry=inquiry, member=inquiry.member, kind="reply", body="Hello")
    with django_assert_num_queries(12):
        assert len(lead_timeline(lead, member)) == before + 5 * 4  # form, inquiry, response, email


def test_detail_page_query_budget(partnership, member, story, django_assert_num_queries):
    client = client_for(partnership, member)
    lead = story["lead"]
    # Partnership, user, membership, lead, the members they named; the columns (1: the outreach
    # policy state, which the outreach panel reuses, and the transaction's stage); the lead's
    # transactions the viewer may see, read once for the transaction panel, the outreach stage
    # and the timeline (1); where the lead's details came from for its scripts (1) and what
    # happened for its stage (1); the co-marketing share panel's partners (1); the seats sealed
    # from the viewer (1); ten timeline sources (the transactions' own entries are not read: the
    # viewer sees none here).
    with django_assert_num_queries(21):
        assert client.get(f"/leads/{lead.pk}/").status_code == 200
    for _ in range(5):
        SubmissionFactory(lead=lead, named_referrer=MemberFactory(partnership=partnership))
    with django_assert_num_queries(21):
        assert client.get(f"/leads/{lead.pk}/").status_code == 200


def test_the_leads_transactions_are_read_once_for_the_page(partnership, member, story):
    """The transactions panel, the outreach stage, the transactions' timeline entries and the
    emails the viewer's committee may read all ask for the lead's transactions as the viewer
    sees them: the page reads them once (the transaction column's stage comes with the other
    columns, in the query of the lead's columns)."""
    lead = story["lead"]
    transaction = transactions.open_transaction(lead=lead, member=member, kind="buy")
    transactions.change_stage(transaction=transaction, actor=member, stage="under_contract")
    client = client_for(partnership, member)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/leads/{lead.pk}/").text
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "leads_transaction"')]
    assert len(reads) == 1, reads
    head = page[: page.index('id="timeline-heading"')]
    assert '<dt>Transaction</dt>\n        <dd><span class="badge badge-info">Under contract' in head
    assert 'class="transaction-name">Buy</a>' in head  # the panel
    assert "Stage: Customer" in head  # the outreach panel
    timeline = page[page.index('id="timeline-heading"') :]
    assert "Transaction</span>" in timeline


def add_changes(lead, count):
    """`count` recorded changes to the lead, all at the same moment (ties on the timeline)."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            partnership=lead.partnership,
            action="lead.reopened",
            target_type=Lead._meta.label_lower,
            target_id=lead.pk,
            summary=f"Change {n}",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 1_000])
def test_the_page_shows_the_newest_entries_in_the_same_queries(
    partnership, member, story, count, django_assert_num_queries
):
    """The timeline shows its newest entries a page at a time: a lead with years of history
    costs its page the same queries, and no more rows, than a new one."""
    lead = story["lead"]
    transactions.open_transaction(lead=lead, member=member, kind="buy")
    add_changes(lead, count)
    total = len(lead_timeline(lead, member))
    client = client_for(partnership, member)
    # As test_detail_page_query_budget, with the entries of the transaction the viewer works
    # on, and without what happened for the outreach stage (a customer's needs no more).
    with django_assert_num_queries(21):
        page = client.get(f"/leads/{lead.pk}/").text
    assert page.count('<li class="timeline-item') == min(total, TIMELINE_PAGE_SIZE)
    assert ("Older entries" in page) == (total > TIMELINE_PAGE_SIZE)
    with django_assert_num_queries(21):
        older = client.get(f"/leads/{lead.pk}/?page=2").text
    assert "Newer entries" in older
    assert older.count('<li class="timeline-item') == min(
        max(total - TIMELINE_PAGE_SIZE, 0), TIMELINE_PAGE_SIZE
    )


def test_the_timelines_pages_hold_every_entry_once_in_order(partnership, member, story):
    lead = story["lead"]
    add_changes(lead, 2 * TIMELINE_PAGE_SIZE)
    everything = lead_timeline(lead, member)
    pages = [timeline_page(lead, member, number) for number in (1, 2, 3, 4)]
    assert [page.has_older for page in pages] == [True, True, False, False]
    shown = [(e.kind, e.item.pk) for page in pages for e in page.entries]
    assert shown == [(e.kind, e.item.pk) for e in everything]
    assert len(set(shown)) == len(everything) > 2 * TIMELINE_PAGE_SIZE


def test_a_lead_with_no_history(member_client, partnership):
    lead = LeadFactory(partnership=partnership, utm={}, consented_at=None)
    page = member_client.get(f"/leads/{lead.pk}/").text
    assert "Nothing has happened with this lead yet." in page
    assert "Nobody named a referrer" in page
    assert "Agreed to be contacted" not in page


# --- Transactions' emails stay with their committee ----------------------------------------------

TRANSACTION_EMAILS = {
    "leads/team_added",
    "leads/customer_link",
    "leads/post_close_reminder",
    "leads/post_close_meeting_proposed",
    "leads/post_close_meeting_confirmed",
    "leads/thank_you_letter",
    "leads/client_interaction",
    "leads/client_interaction_copy",
}


def emails_seen(lead, viewer) -> set[str]:
    return {e.item.template for e in lead_timeline(lead, viewer) if e.kind == "email"}


@pytest.mark.parametrize("filed_against", ["lead", "transaction"])
def test_a_transactions_emails_show_on_the_lead_timeline_to_its_committee_only(
    partnership, member, leader, time_machine, filed_against
):
    """A full post-close run; whether its emails are filed against the lead or the transaction,
    a member off the committee (even one named in the customer's authorization) sees none."""
    bob = MemberFactory(partnership=partnership, display_name="Bob Lender")
    nora = MemberFactory(partnership=partnership, display_name="Nora Outsider", is_listed=True)
    gina = MemberFactory(partnership=partnership, display_name="Gina Grantee")
    zone = partnership.tzinfo
    time_machine.move_to(datetime.datetime(2025, 3, 4, 9, 0, tzinfo=zone), tick=False)
    lead = LeadFactory(
        partnership=partnership,
        name="Dana Customer",
        email="dana@example.com",
        referring_member=member,
    )
    express_interest(lead=lead, member=nora, message="Could you help us with a condo?")
    transaction = transactions.open_transaction(lead=lead, member=member, kind="buy")
    transactions.add_team_member(transaction=transaction, actor=member, member=bob)
    send_customer_link(transaction=transaction, actor=member)
    transactions.change_stage(transaction=transaction, actor=member, stage="closed")
    DisclosureFactory(transaction=transaction, grantee_member=gina)
    # The last day to book the handoff meeting: its reminder goes to the leader.
    time_machine.move_to(datetime.datetime(2025, 3, 6, 0, 30, tzinfo=zone), tick=False)
    assert sweep_post_close() == (1, 0)
    (proposal,) = propose_meeting_times(
        transaction=transaction,
        actor=member,
        times=[datetime.datetime(2025, 3, 6, 10, 0, tzinfo=zone)],
    )
    confirm_meeting(proposal=proposal, actor=leader)
    send_letter(transaction=transaction, actor=member)
    record_client_interaction(
        transaction=transaction,
        actor=leader,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[leader, member],
        body=draft_interaction_text(transaction),
        email_customer=True,
    )
    sent = set(OutboxMessage.objects.values_list("template", flat=True))
    assert sent >= TRANSACTION_EMAILS
    if filed_against == "transaction":
        OutboxMessage.objects.filter(template__in=TRANSACTION_EMAILS).update(
            content_type=ContentType.objects.get_for_model(Transaction), object_id=transaction.pk
        )

    for outsider in (nora, gina):
        assert emails_seen(lead, outsider) == sent - TRANSACTION_EMAILS, outsider
    for insider in (member, bob, leader):
        assert emails_seen(lead, insider) == sent, insider
    letter = OutboxMessage.objects.get(template="leads/thank_you_letter")
    assert letter.subject in client_for(partnership, bob).get(f"/leads/{lead.pk}/").text
    assert letter.subject not in client_for(partnership, nora).get(f"/leads/{lead.pk}/").text


@pytest.mark.parametrize("page", ["0", "-1", "abc", "٣", "9" * 20, "1" * 5000, "99999"])
def test_any_timeline_page_in_the_address_answers_a_page(partnership, member, story, page):
    response = client_for(partnership, member).get(f"/leads/{story['lead'].pk}/", {"page": page})
    assert response.status_code == 200
