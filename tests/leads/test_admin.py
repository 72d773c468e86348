"""Leads in the admin: leadership sees its own partnership's, and reassigning a lead is audited."""

import pytest
from django.test import Client

from leads.selectors.timeline import lead_timeline
from pinnacle.models import AuditEvent
from tests.leads.factories import InquiryFactory, LeadFactory, SubmissionFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(partnership) -> Client:
    client = Client(HTTP_HOST=partnership.host)
    client.force_login(
        UserFactory(email="root@example.com", is_superuser=True, is_staff=True),
        backend="members.auth.PartnershipMemberBackend",
    )
    return client


@pytest.fixture
def bob(partnership):
    return MemberFactory(partnership=partnership, display_name="Bob Broker")


@pytest.fixture
def lead(partnership, member):
    lead = LeadFactory(
        partnership=partnership,
        name="Dana Prospect",
        email="dana@example.com",
        referring_member=member,
    )
    SubmissionFactory(lead=lead, message="Looking for a starter home in Austin.")
    return lead


@pytest.fixture
def foreign_lead(other_member):
    return LeadFactory(
        partnership=other_member.partnership, name="Olga Elsewhere", referring_member=other_member
    )


def change_url(lead) -> str:
    return f"/admin/leads/lead/{lead.pk}/change/"


def reassign(client, lead, member_pk):
    """Post the lead's change form as the admin renders it, with a new referring member."""
    submissions = list(lead.submissions.order_by("-created_at"))
    data = {
        "referring_member": member_pk or "",
        "submissions-TOTAL_FORMS": len(submissions),
        "submissions-INITIAL_FORMS": len(submissions),
        "submissions-MIN_NUM_FORMS": 0,
        "submissions-MAX_NUM_FORMS": 1000,
    }
    for n, submission in enumerate(submissions):
        data[f"submissions-{n}-id"] = submission.pk
        data[f"submissions-{n}-lead"] = lead.pk
    return client.post(change_url(lead), data)


def test_leadership_sees_only_their_partnerships_leads(leader_client, lead, foreign_lead):
    listing = leader_client.get("/admin/leads/lead/")
    assert listing.status_code == 200
    assert "Dana Prospect" in listing.text and "Olga Elsewhere" not in listing.text
    assert leader_client.get(change_url(foreign_lead)).status_code in (302, 404)
    assert "Olga" not in leader_client.get("/admin/leads/lead/?q=olga").text


def test_lead_page_shows_its_submissions_and_offers_only_own_members(
    leader_client, lead, bob, other_member
):
    page = leader_client.get(change_url(lead)).text
    assert "Looking for a starter home in Austin." in page  # the read-only submissions inline
    assert f'<option value="{bob.pk}">Bob Broker</option>' in page
    assert "Oscar Other" not in page
    assert "/admin/leads/lead/add/" not in leader_client.get("/admin/leads/lead/").text


def test_reassigning_a_lead_is_recorded(leader_client, leader, lead, bob):
    response = reassign(leader_client, lead, bob.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert lead.referring_member == bob

    event = AuditEvent.objects.get(action="lead.reassigned")
    assert event.summary == "Reassigned from Alice Agent to Bob Broker"
    assert (event.target_type, event.target_id) == ("leads.lead", lead.pk)
    assert event.actor == leader.user and event.partnership == lead.partnership
    assert [e.title for e in lead_timeline(lead, bob) if e.kind == "audit"] == ["Lead reassigned"]

    reassign(leader_client, lead, None)
    assert AuditEvent.objects.filter(
        action="lead.reassigned", summary="Reassigned from Bob Broker to Unassigned"
    ).exists()


def test_saving_without_a_change_records_nothing(leader_client, lead, member):
    assert reassign(leader_client, lead, member.pk).status_code == 302
    assert not AuditEvent.objects.filter(action="lead.reassigned").exists()


def test_another_partnerships_member_cannot_be_assigned(leader_client, lead, other_member):
    response = reassign(leader_client, lead, other_member.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    lead.refresh_from_db()
    assert lead.referring_member.display_name == "Alice Agent"
    assert not AuditEvent.objects.exists()


def test_superuser_sees_every_partnership_but_assigns_within_the_leads_own(
    superuser_client, lead, foreign_lead, member, other_member
):
    listing = superuser_client.get("/admin/leads/lead/").text
    assert "Dana Prospect" in listing and "Olga Elsewhere" in listing

    page = superuser_client.get(change_url(foreign_lead)).text
    assert "Oscar Other" in page and "Alice Agent" not in page
    assert reassign(superuser_client, foreign_lead, member.pk).status_code == 200
    assert reassign(superuser_client, foreign_lead, None).status_code == 302
    event = AuditEvent.objects.get(action="lead.reassigned")
    assert event.partnership == foreign_lead.partnership


def test_members_without_leadership_have_no_leads_admin(member_client, lead):
    assert member_client.get("/admin/leads/lead/").status_code == 302  # to the admin login


def test_inquiries_and_their_answers_are_read_only(leader_client, partnership, member, lead):
    inquiry = InquiryFactory(lead=lead, member=member, message="Can we tour on Saturday?")
    inquiry.responses.create(
        partnership=partnership, member=member, kind="reply", body="Saturday at 10 works."
    )
    foreign = InquiryFactory(lead=LeadFactory(partnership=MemberFactory().partnership))

    listing = leader_client.get("/admin/leads/inquiry/").text
    assert "Dana Prospect" in listing and str(foreign.lead.name) not in listing
    page = leader_client.get(f"/admin/leads/inquiry/{inquiry.pk}/change/").text
    assert "Can we tour on Saturday?" in page
    assert "Saturday at 10 works." in page  # the responses inline
    assert 'name="_save"' not in page
    assert leader_client.get(f"/admin/leads/inquiry/{foreign.pk}/change/").status_code in (302, 404)

    submissions = leader_client.get("/admin/leads/submission/").text
    assert "Dana Prospect" in submissions
