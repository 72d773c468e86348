"""Leadership exports the (filtered) leads list as CSV that is safe to open in a spreadsheet."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from leads.models import Channel, Lead, Need
from leads.views.leads import EXPORT_HEADER
from pinnacle.mail.models import Suppression
from pinnacle.models import AuditEvent
from tests.leads.factories import LeadFactory, SubmissionFactory
from tests.transactions.factories import TransactionEventFactory
from tests.transactions.transaction_builders import team_transaction

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def leads(partnership, member, time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 21, 30, tzinfo=NEW_YORK), tick=False)
    dana = LeadFactory(
        partnership=partnership,
        name="Dana Prospect",
        email="dana@example.com",
        phone="(512) 555-0199",
        need=Need.SELL,
        channel=Channel.FACEBOOK,
        utm={"utm_source": "facebook", "utm_medium": "social", "utm_campaign": "spring"},
        referring_member=member,
    )
    SubmissionFactory(lead=dana)
    SubmissionFactory(lead=dana)
    evan = LeadFactory(partnership=partnership, name="Evan Web", email="evan@example.com")
    Suppression.objects.create(partnership=partnership, email="Evan@Example.com", reason="manual")
    return {"dana": dana, "evan": evan}


def test_leadership_downloads_every_lead_with_its_details(leader_client, leads, other_partnership):
    LeadFactory(partnership=other_partnership, name="Olga Elsewhere")
    response = leader_client.get("/leads/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="leads-pinnacle-2025-03-04.csv"'
    )
    exported = rows(response)
    assert [row["name"] for row in exported] == ["Evan Web", "Dana Prospect"]
    assert exported[1] == {
        "created": "2025-03-04 21:30",  # partnership time, not UTC
        "name": "Dana Prospect",
        "email": "dana@example.com",
        "phone": "(512) 555-0199",
        "need": "Sell a home",
        "timeframe": "Within 3 months",
        "channel": "Facebook",
        "utm_source": "facebook",
        "utm_medium": "social",
        "utm_campaign": "spring",
        "referred_by": "Alice Agent",
        "opted_out": "no",
        "submissions": "2",
        "last_activity": "2025-03-04 21:30",
    }
    assert exported[0]["opted_out"] == "yes"
    assert exported[0]["submissions"] == "0"
    assert exported[0]["referred_by"] == ""


def test_the_export_uses_the_list_filters(leader_client, leads, member):
    assert [r["name"] for r in rows(leader_client.get("/leads/export.csv?channel=facebook"))] == [
        "Dana Prospect"
    ]
    assert [r["name"] for r in rows(leader_client.get("/leads/export.csv?opted_out=yes"))] == [
        "Evan Web"
    ]
    by_referrer = leader_client.get(f"/leads/export.csv?referrer={member.pk}&q=dana")
    assert [r["name"] for r in rows(by_referrer)] == ["Dana Prospect"]
    assert [r["name"] for r in rows(leader_client.get("/leads/export.csv?sort=name"))] == [
        "Dana Prospect",
        "Evan Web",
    ]


def test_an_export_is_audited(leader_client, leader, leads):
    rows(leader_client.get("/leads/export.csv?channel=facebook&sort=oldest"))
    event = AuditEvent.objects.get(action="leads.exported")
    assert event.actor == leader.user
    assert event.partnership == leader.partnership
    assert event.data == {"filters": {"channel": "facebook"}}


def test_the_export_tells_nothing_about_transactions(leader_client, leads, member):
    # policy: no information about a customer's transaction outside its committee, and a file
    # leaves the portal: not even leadership's export carries any.
    deal = team_transaction(
        member,
        lead=leads["dana"],
        property_address="12 Oak Lane, Austin TX",
        stage="under_contract",
        value=450000,
    )
    deal.team.update(role="Listing agent")
    TransactionEventFactory(transaction=deal, summary="Offer accepted", body="At asking price")
    response = leader_client.get("/leads/export.csv")
    text = b"".join(response.streaming_content).decode()
    rows_ = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows_] == ["Evan Web", "Dana Prospect"]
    assert list(rows_[0]) == EXPORT_HEADER
    for secret in (
        "12 Oak Lane",
        "under_contract",
        "Under contract",
        "450000",
        "Listing agent",
        "Offer accepted",
        "asking price",
        "transaction",
    ):
        assert secret.lower() not in text.lower(), secret


def test_only_leadership_may_export(member_client, anon_client, leads):
    assert member_client.get("/leads/export.csv").status_code == 404
    anonymous = anon_client.get("/leads/export.csv")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert not AuditEvent.objects.filter(action="leads.exported").exists()


@pytest.mark.parametrize(
    ("name", "phone", "safe_name", "safe_phone"),
    [
        ('=HYPERLINK("http://evil.example","Click")', "", "'=HYPERLINK(", ""),
        ("@SUM(A1:A9)", "+1 512 555 0100", "'@SUM(", "'+1 512 555 0100"),
        ("-2+3", "", "'-2+3", ""),
        ("Plain Name", "512-555-0100", "Plain Name", "512-555-0100"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_defused(
    leader_client, partnership, name, phone, safe_name, safe_phone
):
    LeadFactory(partnership=partnership, name=name, phone=phone)
    (row,) = rows(leader_client.get("/leads/export.csv"))
    assert row["name"].startswith(safe_name)
    assert row["phone"] == safe_phone


@pytest.mark.parametrize("count", [10, 1200])
def test_a_large_export_streams(leader_client, partnership, django_assert_num_queries, count):
    Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Lead {n}",
            email=f"lead{n}@example.com",
            need=Need.BUY,
            timeframe="now",
            last_submitted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        )
        for n in range(count)
    )
    # Partnership, user, membership, the referrer filter's members, the audit record, and the
    # leads themselves through one server-side cursor, however many there are.
    with django_assert_num_queries(6):
        response = leader_client.get("/leads/export.csv")
        assert response.streaming
        assert len(rows(response)) == count
