"""The admin, as leadership of one partnership, as a superuser, and as staff without leadership."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.test import Client

from leads.models import Lead
from members.models import Invitation, Member, User
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import (
    PASSWORD,
    CompanyFactory,
    InvitationFactory,
    MemberFactory,
    UserFactory,
)

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
def both_sides(member, other_member):
    """One member, company and invitation in each partnership."""
    here = InvitationFactory(partnership=member.partnership, email="here@example.com")
    there = InvitationFactory(partnership=other_member.partnership, email="there@example.com")
    return {"here": (member, here), "there": (other_member, there)}


def test_leadership_sees_only_their_partnership_in_the_changelists(leader_client, both_sides):
    member, invitation = both_sides["here"]
    other_member, other_invitation = both_sides["there"]

    members = leader_client.get("/admin/members/member/").text
    assert member.display_name in members and other_member.display_name not in members
    companies = leader_client.get("/admin/members/company/").text
    assert member.company.name in companies and other_member.company.name not in companies
    invitations = leader_client.get("/admin/members/invitation/").text
    assert invitation.email in invitations and other_invitation.email not in invitations
    users = leader_client.get("/admin/members/user/").text
    assert member.user.email in users and other_member.user.email not in users

    own_member = leader_client.get(f"/admin/members/member/{member.pk}/change/")
    assert own_member.status_code == 200 and member.user.email in own_member.text
    own_invitation = leader_client.get(f"/admin/members/invitation/{invitation.pk}/change/")
    assert own_invitation.status_code == 200 and "Not sent" in own_invitation.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/members/member/{member}/change/",
        "/admin/members/company/{company}/change/",
        "/admin/members/invitation/{invitation}/change/",
        "/admin/members/user/{user}/change/",
    ],
)
def test_leadership_cannot_open_another_partnerships_rows(leader_client, both_sides, url):
    other_member, other_invitation = both_sides["there"]
    ids = {
        "member": other_member.pk,
        "company": other_member.company_id,
        "invitation": other_invitation.pk,
        "user": other_member.user_id,
    }
    response = leader_client.get(url.format(**ids))
    # The admin answers a missing object with a redirect to its index ("doesn't exist").
    assert response.status_code in (302, 404)
    assert other_member.display_name not in leader_client.get("/admin/").text


def test_superuser_sees_every_partnership(superuser_client, both_sides):
    member, _ = both_sides["here"]
    other_member, other_invitation = both_sides["there"]
    members = superuser_client.get("/admin/members/member/").text
    assert member.display_name in members and other_member.display_name in members
    page = superuser_client.get(f"/admin/members/invitation/{other_invitation.pk}/change/")
    assert page.status_code == 200 and "there@example.com" in page.text


def test_staff_without_leadership_cannot_use_the_admin(partnership):
    staff = MemberFactory(partnership=partnership, user=UserFactory(is_staff=True))
    client = client_for(partnership, staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert client.get("/admin/members/member/").status_code == 302


def test_leadership_of_another_partnership_cannot_use_this_admin(partnership, other_partnership):
    foreign_leader = MemberFactory(
        partnership=other_partnership,
        role=Member.Role.LEADERSHIP,
        user=UserFactory(is_staff=True),
    )
    client = Client(HTTP_HOST=partnership.host)
    client.force_login(foreign_leader.user, backend="members.auth.PartnershipMemberBackend")
    assert client.get("/admin/members/member/").status_code == 302


def test_an_anonymous_visitor_sees_the_admin_login_on_each_host(partnership, other_partnership):
    for tenant in (partnership, other_partnership):
        client = client_for(tenant)
        page = client.get("/admin/login/")
        assert page.status_code == 200 and f"{tenant.name} \u2014 leadership" in page.text
        refused = client.post(
            "/admin/login/", {"username": "nobody@example.com", "password": "not-a-password"}
        )
        assert refused.status_code == 200
        assert "Please enter the correct email address and password" in refused.text


def test_leadership_logs_in_at_the_admins_own_url(leader, other_partnership):
    credentials = {"username": leader.user.email, "password": PASSWORD, "next": "/admin/"}
    # The same password on a partnership they do not belong to opens nothing.
    elsewhere = client_for(other_partnership).post("/admin/login/", credentials)
    assert elsewhere.status_code == 200 and "Please enter the correct" in elsewhere.text

    client = client_for(leader.partnership)
    response = client.post("/admin/login/", credentials)
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/members/member/").status_code == 200


def test_view_on_site_finds_only_this_partnerships_objects(
    leader_client, member, other_member, other_partnership
):
    member_type = ContentType.objects.get_for_model(Member).pk
    lead_type = ContentType.objects.get_for_model(Lead).pk
    foreign_lead = LeadFactory(partnership=other_partnership)

    own = leader_client.get(f"/admin/r/{member_type}/{member.pk}/")
    assert own.status_code == 302 and own.url.endswith(member.get_absolute_url())

    missing = leader_client.get(f"/admin/r/{member_type}/0/")
    assert missing.status_code == 404
    for foreign in (f"{member_type}/{other_member.pk}", f"{lead_type}/{foreign_lead.pk}"):
        response = leader_client.get(f"/admin/r/{foreign}/")
        assert (response.status_code, response.content) == (404, missing.content)


def test_a_date_drilldown_past_the_calendar_is_refused_like_any_unusable_filter(leader_client):
    response = leader_client.get("/admin/members/invitation/?created_at__year=9999")
    # The admin's own answer to a lookup it cannot use: the unfiltered list, flagged "?e=1".
    assert response.status_code == 302 and response.url == "/admin/members/invitation/?e=1"
    assert leader_client.get(response.url).status_code == 200


def test_inviting_from_the_admin_sends_the_invitation(leader, leader_client, partnership):
    company = CompanyFactory(partnership=partnership)
    response = leader_client.post(
        "/admin/members/invitation/add/",
        {
            "email": "Admin.Invitee@example.com",
            "display_name": "Ada Invitee",
            "kind": "allied",
            "service_category": "inspection",
            "role": "member",
            "company": company.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.for_partnership(partnership).get()
    assert invitation.email == "admin.invitee@example.com"
    assert invitation.invited_by == leader.user
    message = OutboxMessage.objects.for_partnership(partnership).get(object_id=invitation.pk)
    assert message.to_email == "admin.invitee@example.com"
    assert "/invitations/accept/" in message.body_text
    assert AuditEvent.objects.filter(action="invitation.sent", target_id=invitation.pk).exists()


def test_admin_refuses_to_invite_an_existing_member(leader_client, member):
    response = leader_client.post(
        "/admin/members/invitation/add/",
        {
            "email": member.user.email,
            "display_name": "Again",
            "kind": "agent",
            "service_category": "real_estate",
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert "is already a member of Pinnacle Partnerships" in response.text
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_admin_actions_resend_and_revoke(leader_client, partnership):
    invitation = InvitationFactory(partnership=partnership)
    changelist = "/admin/members/invitation/"
    leader_client.post(
        changelist, {"action": "resend_invitations", "_selected_action": [invitation.pk]}
    )
    assert (
        OutboxMessage.objects.for_partnership(partnership).filter(object_id=invitation.pk).exists()
    )
    leader_client.post(
        changelist, {"action": "revoke_invitations", "_selected_action": [invitation.pk]}
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_admin_action_cannot_reach_another_partnerships_invitation(
    leader_client, other_partnership
):
    foreign = InvitationFactory(partnership=other_partnership)
    leader_client.post(
        "/admin/members/invitation/",
        {"action": "revoke_invitations", "_selected_action": [foreign.pk]},
    )
    foreign.refresh_from_db()
    assert foreign.status == Invitation.Status.PENDING


def member_form_data(member, **changes):
    data = {
        "display_name": member.display_name,
        "kind": member.kind,
        "service_category": member.service_category,
        "role": member.role,
        "company": member.company_id or "",
        "is_listed": "on",
        "is_active": "on",
        "job_title": member.job_title,
        "specialization": member.specialization,
        "bio": member.bio,
        "service_areas": ",".join(member.service_areas),
        "languages": ",".join(member.languages),
        "cell_phone": "",
        "office_phone": "",
        "street_address": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "timezone": member.timezone,
        "employer": "",
        "license_number": "",
        "mls_market": "",
        "mls_agent_id": "",
    }
    data.update(changes)
    return data


def test_saving_a_member_refreshes_search_and_admin_access(leader_client, member):
    response = leader_client.post(
        f"/admin/members/member/{member.pk}/change/",
        member_form_data(member, display_name="Alice Zephyrine", role="leadership"),
    )
    assert response.status_code == 302, response.text
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.role == Member.Role.LEADERSHIP and member.user.is_staff
    assert Member.objects.filter(search_document=SearchQuery("zephyrine")).get() == member
    assert AuditEvent.objects.filter(action="member.changed_in_admin", target_id=member.pk).exists()


def test_leadership_cannot_make_anyone_superuser(leader_client, member):
    user = member.user
    response = leader_client.post(
        f"/admin/members/user/{user.pk}/change/",
        {
            "first_name": "Alice",
            "last_name": "Agent",
            "is_superuser": "on",
            "is_staff": "on",
            "email": "takeover@example.com",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Alice"
    assert not user.is_superuser and not user.is_staff
    assert user.email != "takeover@example.com"
    assert leader_client.get(f"/admin/members/user/{user.pk}/password/").status_code == 403


def test_leadership_cannot_add_or_delete_members_directly(leader_client, member):
    assert leader_client.get("/admin/members/member/add/").status_code == 403
    assert leader_client.get(f"/admin/members/member/{member.pk}/delete/").status_code == 403
    assert leader_client.get("/admin/members/user/add/").status_code == 403


def test_company_names_are_unique_within_the_partnership(leader_client, partnership):
    CompanyFactory(partnership=partnership, name="Lakeview Realty")
    response = leader_client.post(
        "/admin/members/company/add/", {"name": "lakeview realty", "website_url": ""}
    )
    assert response.status_code == 200
    assert "already exists" in response.text


def test_superuser_creates_a_user_by_email(superuser_client):
    response = superuser_client.post(
        "/admin/members/user/add/",
        {"email": "Fresh@Example.com", "usable_password": "false"},
    )
    assert response.status_code == 302, response.text
    assert User.objects.filter(email="fresh@example.com").exists()


def test_a_clash_with_a_per_partnership_unique_rule_is_a_form_error(leader, leader_client):
    """Leadership's forms hide the partnership field; unique rules that include it still hold."""
    from pinnacle.mail.models import Suppression

    Suppression.objects.create(
        partnership=leader.partnership, email="gone@example.com", reason="manual"
    )
    response = leader_client.post(
        "/admin/mail/suppression/add/", {"email": "Gone@Example.com", "reason": "manual"}
    )
    assert response.status_code == 200
    assert "already" in response.text
    assert Suppression.objects.count() == 1


def test_leadership_sees_the_members_consent_but_cannot_change_it(leader_client, member):
    Member.objects.filter(pk=member.pk).update(allows_profile_updates=True)
    listing = leader_client.get("/admin/members/member/?allows_profile_updates__exact=1")
    assert "Allows Profile Updates" in listing.text and member.display_name in listing.text
    page = leader_client.get(f"/admin/members/member/{member.pk}/change/").text
    assert "Set by the member on their own profile page." in page
    assert 'name="allows_profile_updates"' not in page

    response = leader_client.post(
        f"/admin/members/member/{member.pk}/change/", member_form_data(member)
    )

    assert response.status_code == 302, response.text
    member.refresh_from_db()
    assert member.allows_profile_updates
