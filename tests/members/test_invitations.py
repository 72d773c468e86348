"""Invitations: the only way in. Leadership invites, the invitee accepts from the emailed link."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from members import services
from members.models import Invitation, Member, User
from members.tokens import make_invitation_token
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.members.factories import (
    PASSWORD,
    CompanyFactory,
    InvitationFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbor-lantern-42"
ACCEPT_LINK = re.compile(r"http://localhost(/invitations/accept/[^/\s\"]+/)")


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def invite(leader, email="new.agent@example.com", **overrides):
    fields = {
        "display_name": "Nina New",
        "kind": Member.Kind.AGENT,
        "service_category": Member.ServiceCategory.REAL_ESTATE,
        "role": Member.Role.MEMBER,
        "company": None,
        **overrides,
    }
    return services.invite_member(
        partnership=leader.partnership, invited_by=leader.user, email=email, **fields
    )


def invitation_emails(invitation):
    return OutboxMessage.objects.for_partnership(invitation.partnership).filter(
        object_id=invitation.pk, template="members/invitation"
    )


def accept_path(invitation) -> str:
    message = invitation_emails(invitation).latest("created_at")
    return ACCEPT_LINK.search(message.body_text).group(1)


# --- Inviting -------------------------------------------------------------------------------


def test_inviting_queues_an_email_with_the_accept_link(leader, django_capture_on_commit_callbacks):
    company = CompanyFactory(partnership=leader.partnership, name="Lakeview Realty")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(leader, email="  New.Agent@Example.com ", company=company)

    assert invitation.email == "new.agent@example.com"
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13, hours=23)
    message = invitation_emails(invitation).get()
    assert message.idempotency_key == f"invitation:{invitation.pk}"
    assert message.to_email == "new.agent@example.com"
    assert message.reply_to == leader.user.email
    assert message.subject == "Lee Leadership invited you to join Pinnacle Partnerships"
    link = ACCEPT_LINK.search(message.body_text)
    assert link and link.group(0) in message.body_html
    assert "Lakeview Realty" in message.body_text
    assert "expires on" in message.body_text and "www.pinnaclepartnerships.example" in (
        message.body_text
    )
    assert AuditEvent.objects.filter(action="invitation.sent", target_id=invitation.pk).exists()

    delivery.deliver(message.pk)
    assert mail.outbox[-1].to == ["new.agent@example.com"]
    assert link.group(0) in mail.outbox[-1].body


def test_leadership_invites_from_the_invitations_page(leader_client, partnership):
    company = CompanyFactory(partnership=partnership, name="Lakeview Lending")
    response = leader_client.post(
        "/invitations/",
        {
            "email": "lena@example.com",
            "display_name": "Lena Lender",
            "kind": "lender",
            "service_category": "mortgage",
            "role": "member",
            "company": company.pk,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/invitations/"
    assert "Invitation sent to lena@example.com." in response.text
    assert "Lena Lender" in response.text and "Queued" in response.text
    invitation = Invitation.objects.for_partnership(partnership).get(email="lena@example.com")
    assert (invitation.kind, invitation.company) == ("lender", company)
    assert invitation_emails(invitation).count() == 1


def test_inviting_an_existing_member_is_refused_with_a_clear_message(leader_client, member):
    response = leader_client.post(
        "/invitations/",
        {
            "email": member.user.email.upper(),
            "display_name": "Alice Again",
            "kind": "agent",
            "service_category": "real_estate",
            "role": "member",
        },
    )
    assert response.status_code == 400
    assert "is already a member of Pinnacle Partnerships" in response.text
    assert not Invitation.objects.exists()


def test_an_address_longer_than_we_store_is_refused_on_the_invitation_form(leader_client):
    address = "lena.lender@" + ".".join(["x" * 58] * 4) + ".example.com"  # 259 characters
    response = leader_client.post(
        "/invitations/",
        {
            "email": address,
            "display_name": "Lena Lender",
            "kind": "lender",
            "service_category": "mortgage",
            "role": "member",
        },
    )
    assert response.status_code == 400
    assert "Enter an email address of at most 254 characters." in response.text
    assert not Invitation.objects.exists()


def test_invitation_form_reports_missing_fields(leader_client):
    response = leader_client.post("/invitations/", {"email": "not-an-email", "kind": "agent"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert "This field is required." in response.text
    assert not Invitation.objects.exists()


def test_a_second_invitation_to_a_pending_address_is_refused(leader):
    invite(leader)
    with pytest.raises(services.MembershipRefused, match="already has a pending invitation"):
        invite(leader, email="NEW.agent@example.com")


def test_inviting_again_after_expiry_renews_and_resends_the_invitation(leader):
    first = invite(leader)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        again = invite(leader, display_name="Nina Renewed")
        assert again.pk == first.pk
        assert again.is_usable and again.display_name == "Nina Renewed"
    assert invitation_emails(first).count() == 2


def test_company_choices_are_this_partnerships_companies(leader, leader_client, other_partnership):
    foreign = CompanyFactory(partnership=other_partnership, name="Harbor Homes")
    page = leader_client.get("/invitations/")
    assert "Harbor Homes" not in page.text
    response = leader_client.post(
        "/invitations/",
        {
            "email": "x@example.com",
            "display_name": "X",
            "kind": "agent",
            "service_category": "real_estate",
            "role": "member",
            "company": foreign.pk,
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    with pytest.raises(services.MembershipRefused, match="company of this partnership"):
        invite(leader, company=foreign)


def test_only_leadership_opens_the_invitations_page(member_client, anon_client):
    assert member_client.get("/invitations/").status_code == 404
    response = anon_client.get("/invitations/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("count", [10, 1000])
def test_invitations_list_query_count_does_not_grow_with_rows(
    leader, leader_client, count, django_assert_num_queries
):
    invite(leader, email="first@example.com")
    Invitation.objects.bulk_create(
        InvitationFactory.build_batch(
            count - 1, partnership=leader.partnership, invited_by=leader.user
        )
    )

    # Partnership, user, membership, companies for the form, count, page (inviter and latest
    # email status as subqueries): the same for 10 rows or 1,000.
    with django_assert_num_queries(6):
        response = leader_client.get("/invitations/")

    page = response.context["page"]
    assert page.paginator.count == count and len(page.object_list) == min(count, 25)
    assert response.text.count("/resend/") == min(count, 25)


def test_the_list_shows_status_inviter_and_email_delivery(leader, leader_client):
    invitation = invite(leader)
    invitation_emails(invitation).update(status=OutboxMessage.Status.BOUNCED)
    page = leader_client.get("/invitations/").text
    assert "nina new" in page.lower() and "Lee Leadership" in page
    assert "Bounced" in page and "Pending" in page
    assert 'data-confirm="Revoke the invitation to new.agent@example.com?' in page


# --- Resending and revoking -----------------------------------------------------------------


def test_an_invitation_whose_inviter_is_gone_is_still_listed(leader, leader_client):
    invitation = invite(leader)
    Invitation.objects.filter(pk=invitation.pk).update(invited_by=None)  # the account was deleted
    response = leader_client.get("/invitations/")
    assert response.status_code == 200 and invitation.email in response.text


def test_resend_sends_a_new_email_and_extends_the_expiry(leader, leader_client):
    invitation = invite(leader)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        response = leader_client.post(f"/invitations/{invitation.pk}/resend/", follow=True)
        assert "Invitation sent again to new.agent@example.com." in response.text
        invitation.refresh_from_db()
        assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
        keys = set(invitation_emails(invitation).values_list("idempotency_key", flat=True))
        assert keys == {f"invitation:{invitation.pk}", f"invitation:{invitation.pk}:resend:1"}

        again = leader_client.post(f"/invitations/{invitation.pk}/resend/", follow=True)
        assert "less than a minute ago" in again.text
        assert invitation_emails(invitation).count() == 2


def test_revoked_invitation_link_stops_working(leader, leader_client, anon_client):
    invitation = invite(leader)
    path = accept_path(invitation)
    response = leader_client.post(f"/invitations/{invitation.pk}/revoke/", follow=True)
    assert "revoked; its link no longer works" in response.text
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()

    page = anon_client.get(path)
    assert page.status_code == 410
    assert "withdrawn by the leadership of Pinnacle Partnerships" in page.text
    assert anon_client.post(path).status_code == 410
    assert "Membership is by invitation" in anon_client.get("/accounts/signup/").text


def test_another_partnerships_invitation_is_a_404_for_leadership(leader_client, other_partnership):
    foreign = InvitationFactory(partnership=other_partnership)
    assert leader_client.post(f"/invitations/{foreign.pk}/resend/").status_code == 404
    assert leader_client.post(f"/invitations/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Invitation.Status.PENDING


# --- Accepting as a new person --------------------------------------------------------------


def test_new_person_accepts_through_signup_and_lands_on_the_dashboard(leader, anon_client):
    company = CompanyFactory(partnership=leader.partnership, name="Lakeview Realty")
    invitation = invite(leader, kind="lender", service_category="mortgage", company=company)
    path = accept_path(invitation)

    page = anon_client.get(path)
    assert page.status_code == 200
    assert "Lee Leadership" in page.text and "Pinnacle Partnerships" in page.text
    assert "Accept and create your account" in page.text
    # Opening the link (as a mail scanner would) changes nothing and opens no signup.
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert "Membership is by invitation" in anon_client.get("/accounts/signup/").text

    response = anon_client.post(path)
    assert response.status_code == 302 and response.url == "/accounts/signup/"
    signup = anon_client.get("/accounts/signup/")
    assert 'value="new.agent@example.com" readonly' in signup.text
    assert "sign up" not in signup.text.lower().replace("signup", "")

    response = anon_client.post(
        "/accounts/signup/",
        {"email": "new.agent@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert "Welcome, Nina New" in anon_client.get("/dashboard/").text

    member = Member.objects.for_partnership(leader.partnership).get(user__email=invitation.email)
    assert (member.kind, member.service_category, member.company) == ("lender", "mortgage", company)
    assert member.slug == "nina-new" and member.role == Member.Role.MEMBER
    assert not member.user.is_staff
    assert Member.objects.filter(pk=member.pk, search_document__isnull=False).exists()
    assert EmailAddress.objects.get(user=member.user).verified
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.member == member
    # No confirmation email: the invitation link already proved the address.
    assert OutboxMessage.objects.count() == 1
    # The link is single-use.
    assert anon_client.get(path).status_code == 302  # the new member is sent to the dashboard
    used = client_for(leader.partnership).get(path)
    assert used.status_code == 410 and "already been accepted" in used.text


def test_signup_must_use_the_invited_address(leader, anon_client):
    invitation = invite(leader)
    anon_client.post(accept_path(invitation))
    response = anon_client.post(
        "/accounts/signup/",
        {"email": "someone.else@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Sign up with the address your invitation was sent to: new.agent@example.com" in (
        response.text
    )
    assert not User.objects.filter(email="someone.else@example.com").exists()


def test_signup_without_an_invitation_is_closed(anon_client):
    page = anon_client.get("/accounts/signup/")
    assert "Membership is by invitation" in page.text
    anon_client.post(
        "/accounts/signup/",
        {"email": "walk.in@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="walk.in@example.com").exists()


def test_login_page_offers_no_signup(anon_client):
    page = anon_client.get("/accounts/login/").text.lower()
    assert "sign up" not in page and "/accounts/signup/" not in page


def test_invitation_revoked_after_opening_signup_creates_no_account(leader, anon_client):
    invitation = invite(leader)
    anon_client.post(accept_path(invitation))
    anon_client.get("/accounts/signup/")
    services.revoke_invitation(invitation=invitation, actor=leader.user)
    anon_client.post(
        "/accounts/signup/",
        {"email": invitation.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email=invitation.email).exists()


def test_leadership_invitation_makes_an_admin_user(leader, anon_client):
    invitation = invite(leader, email="lead2@example.com", role=Member.Role.LEADERSHIP)
    anon_client.post(accept_path(invitation))
    anon_client.post(
        "/accounts/signup/",
        {"email": "lead2@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user = User.objects.get(email="lead2@example.com")
    assert user.is_staff and user.is_leadership_of(leader.partnership)
    assert anon_client.get("/admin/").status_code == 200


def test_member_slugs_stay_unique_within_the_partnership(leader, partnership):
    MemberFactory(partnership=partnership, slug="nina-new")
    invitation = invite(leader)
    user = UserFactory(email=invitation.email)
    member = services.accept_invitation(invitation=invitation, user=user)
    assert member.slug == "nina-new-2"


def test_a_former_member_invited_again_is_reactivated(leader, partnership):
    former = MemberFactory(partnership=partnership, is_active=False, slug="fran-former")
    invitation = invite(leader, email=former.user.email, kind="allied", role="leadership")
    member = services.accept_invitation(invitation=invitation, user=former.user)
    assert member.pk == former.pk and member.is_active and member.slug == "fran-former"
    assert (member.kind, member.role) == ("allied", "leadership")
    former.user.refresh_from_db()
    assert former.user.is_staff


# --- Broken, expired and foreign links ------------------------------------------------------


def test_tampered_token_is_not_found(leader, anon_client):
    path = accept_path(invite(leader))
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    response = anon_client.get(tampered)
    assert response.status_code == 404
    assert "not valid" in response.text


def test_expired_invitation_link_is_gone(leader, anon_client):
    path = accept_path(invite(leader))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = anon_client.get(path)
        assert response.status_code in (404, 410)
        assert "expired" in response.text


def test_expired_invitation_row_refuses_even_with_a_fresh_token(partnership, anon_client):
    invitation = InvitationFactory(
        partnership=partnership, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = anon_client.get(f"/invitations/accept/{make_invitation_token(invitation)}/")
    assert response.status_code == 410 and "expired on" in response.text


def test_an_invitation_is_expired_from_its_expiry_moment_while_pending(partnership):
    moment = timezone.now()
    invitation = InvitationFactory(partnership=partnership, expires_at=moment)
    with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
        assert not invitation.is_expired and invitation.is_usable
    with time_machine.travel(moment, tick=False):
        assert invitation.is_expired and not invitation.is_usable
        invitation.status = Invitation.Status.ACCEPTED
        assert not invitation.is_expired  # accepted in time: it never expires


def test_an_expired_invitation_reads_expired_in_the_list_the_admin_and_the_link(
    partnership, leader_client
):
    moment = timezone.now()
    invitation = InvitationFactory(partnership=partnership, expires_at=moment)
    token_path = f"/invitations/accept/{make_invitation_token(invitation)}/"
    with time_machine.travel(moment, tick=False):
        listing = leader_client.get("/invitations/").text
        admin_listing = leader_client.get("/admin/members/invitation/").text
        link = leader_client.get(token_path)
    assert '<span class="status warn">Expired</span>' in listing
    assert '<td class="field-state">Expired</td>' in admin_listing
    assert link.status_code == 410 and "expired on" in link.text


def test_a_link_only_works_on_its_own_partnerships_host(leader, other_partnership):
    path = accept_path(invite(leader))
    assert client_for(other_partnership).get(path).status_code == 404


def test_accepting_twice_is_refused(leader):
    invitation = invite(leader)
    user = UserFactory(email=invitation.email)
    services.accept_invitation(invitation=invitation, user=user)
    with pytest.raises(services.MembershipRefused, match="already been accepted"):
        services.accept_invitation(invitation=invitation, user=user)
    assert Member.objects.filter(user=user).count() == 1


# --- Existing accounts ----------------------------------------------------------------------


def test_member_of_another_partnership_accepts_with_their_existing_login(leader, other_member):
    email = other_member.user.email
    invitation = invite(leader, email=email, display_name="Oscar Other")
    path = accept_path(invitation)
    client = client_for(leader.partnership)

    page = client.get(path)
    assert "Log in to accept" in page.text
    response = client.post(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/") and "next=" in response.url

    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD, "next": path})
    assert response.status_code == 302 and response.url == path
    assert "Accept and join" in client.get(path).text
    response = client.post(path)
    assert response.status_code == 302 and response.url == "/dashboard/"

    memberships = Member.objects.filter(user=other_member.user)
    assert {m.partnership_id for m in memberships} == {
        leader.partnership.pk,
        other_member.partnership_id,
    }
    assert client.get("/dashboard/").status_code == 200


def test_existing_account_with_the_wrong_password_is_not_let_in(leader, other_member):
    invitation = invite(leader, email=other_member.user.email)
    client = client_for(leader.partnership)
    client.post(accept_path(invitation))
    response = client.post(
        "/accounts/login/", {"login": other_member.user.email, "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_on_a_partnership_without_membership_fails(partnership, other_member):
    client = client_for(partnership)
    response = client.post(
        "/accounts/login/", {"login": other_member.user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "not correct" in response.text
    assert "_auth_user_id" not in client.session
    assert client_for(other_member.partnership).post(
        "/accounts/login/", {"login": other_member.user.email, "password": PASSWORD}
    ).url == ("/dashboard/")


def test_logged_in_as_someone_else_cannot_accept(leader, member, member_client):
    invitation = invite(leader)
    path = accept_path(invitation)
    page = member_client.get(path)
    assert "but you are logged in as" in page.text
    assert member_client.post(path).status_code == 409
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- Password reset -------------------------------------------------------------------------


def test_password_reset_goes_through_the_outbox(member, django_capture_on_commit_callbacks):
    client = client_for(member.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.user.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.for_partnership(member.partnership).get()
    assert message.to_email == member.user.email
    assert message.subject == "Reset your Pinnacle Partnerships password"
    assert message.idempotency_key.startswith("allauth:password_reset_key:")
    assert "www.pinnaclepartnerships.example" in message.body_text  # branded footer
    link = re.search(r"http://localhost(/accounts/password/reset/key/\S+/)", message.body_text)
    assert link and link.group(0) in message.body_html

    response = client.get(link.group(1))
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response.url
    assert "Choose a new password" in client.get(form_url).text
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    fresh = client_for(member.partnership)
    response = fresh.post(
        "/accounts/login/", {"login": member.user.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert client.get(link.group(1), follow=True).context["token_fail"]


def test_password_reset_for_an_unknown_address_offers_no_signup(partnership, anon_client):
    anon_client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    message = OutboxMessage.objects.for_partnership(partnership).get()
    assert message.to_email == "nobody@example.com"
    assert "Membership is by invitation" in message.body_text
    assert "/accounts/signup/" not in message.body_text


def test_password_reset_on_another_partnerships_host_does_not_log_in_there(
    member, other_partnership
):
    client = client_for(other_partnership)
    client.post("/accounts/password/reset/", {"email": member.user.email})
    message = OutboxMessage.objects.for_partnership(other_partnership).get()
    link = re.search(
        r"http://harbor\.localhost(/accounts/password/reset/key/\S+/)", message.body_text
    )
    form_url = client.get(link.group(1)).url
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert "is not a member of Harbor Alliance" in response.text
    assert client.get("/dashboard/").status_code == 302  # not logged in: sent to the login page
