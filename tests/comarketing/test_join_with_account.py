"""An agent who already has an account in another partnership accepts a co-marketing invitation
with it: "log in to accept", then a confirm page, and they are an unlisted agent here with the
connection Active (the lender and leadership told). Anyone else logged in is clearly refused."""

import threading

import pytest
from django.db import connections

from comarketing import services
from comarketing.models import Connection, Status
from comarketing.services import ComarketingRefused
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.members.factories import PASSWORD, LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db

MEMBER_BACKEND = "members.auth.PartnershipMemberBackend"


@pytest.fixture
def lender(partnership):
    return MemberFactory(partnership=partnership, display_name="Lena Lender", kind="lender")


@pytest.fixture
def invited(lender, other_member):
    """An invitation to the address of Oscar, a member of another partnership only."""
    (connection,) = services.invite_partners(
        lender=lender, emails=[other_member.user.email], actor=lender.user
    )
    return connection


def join_path(connection):
    return f"/comarketing/join/{connection.token}/"


def details(**overrides):
    return {"first_name": "Oscar", "last_name": "Other", "cell_phone": "(512) 555-0177"} | overrides


def test_an_agent_of_another_partnership_logs_in_confirms_and_is_a_member_here(
    lender, invited, other_member, partnership
):
    leader = LeadershipFactory(partnership=partnership)
    email = other_member.user.email
    path = join_path(invited)
    client = client_for(partnership)

    page = client.get(path).text
    assert "Log in to accept" in page and "Create your account" not in page
    response = client.post(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/") and "next=" in response.url

    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD, "next": path})
    assert response.status_code == 302 and response.url == path
    page = client.get(path).text
    assert f"You are logged in as <strong>{email}</strong>" in page
    assert "Confirm and join" in page
    assert not Member.objects.filter(partnership=partnership, user=other_member.user).exists()

    response = client.post(path, details())
    assert response.status_code == 302 and response.url == "/dashboard/profile/"
    here = Member.objects.get(partnership=partnership, user=other_member.user)
    assert (here.display_name, here.kind, here.is_listed, here.cell_phone) == (
        "Oscar Other",
        "agent",
        False,
        "(512) 555-0177",
    )
    assert Member.objects.filter(user=other_member.user).count() == 2  # the other one stays
    invited.refresh_from_db()
    assert invited.status == Status.ACTIVE and invited.partner == here
    # The lender is told (point 17), and leadership, to review the unlisted agent.
    told = OutboxMessage.objects.get(template="comarketing/partner_active")
    assert told.to_email == lender.email and "Oscar Other" in told.subject
    notice = OutboxMessage.objects.get(template="comarketing/registered_notice")
    assert notice.to_email == leader.email
    # Now a member here: the co-marketing menu opens and shows the lender.
    assert "Lena Lender" in client.get("/comarketing/").text


def test_a_wrong_password_does_not_let_the_invitee_in(invited, other_member, partnership):
    client = client_for(partnership)
    client.post(join_path(invited))
    response = client.post(
        "/accounts/login/", {"login": other_member.user.email, "password": "wrong-password-1"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_without_the_invitation_stashed_the_login_is_still_refused(
    invited, other_member, partnership
):
    response = client_for(partnership).post(
        "/accounts/login/", {"login": other_member.user.email, "password": PASSWORD}
    )
    assert response.status_code == 200


def test_someone_else_logged_in_is_clearly_refused(invited, partnership, other_partnership):
    stranger = MemberFactory(partnership=other_partnership)
    client = client_for(partnership)
    client.force_login(stranger.user, backend=MEMBER_BACKEND)
    page = client.get(join_path(invited)).text
    assert f"This invitation is for <strong>{invited.email}</strong>" in page
    assert f"you are logged in as <strong>{stranger.user.email}</strong>" in page
    assert "Log out and continue" in page
    response = client.post(join_path(invited), details())
    assert response.status_code == 409
    assert not Member.objects.filter(partnership=invited.partnership, user=stranger.user).exists()
    assert Connection.objects.get().status != Status.ACTIVE
    with pytest.raises(ComarketingRefused, match="but you are logged in as"):
        services.join_with_account(
            connection=invited, user=stranger.user, display_name="Sly", profile={}
        )


def test_a_name_is_required_to_join(invited, other_member, partnership):
    client = client_for(partnership)
    client.force_login(other_member.user, backend=MEMBER_BACKEND)
    response = client.post(join_path(invited), details(first_name=""))
    assert response.status_code == 400 and "This field is required." in response.text
    assert not Member.objects.filter(partnership=partnership, user=other_member.user).exists()


def test_a_withdrawn_invitation_cannot_be_joined(lender, invited, other_member):
    services.delete_connection(connection=invited, member=lender, actor=lender.user)
    with pytest.raises(ComarketingRefused, match="withdrawn"):
        services.join_with_account(
            connection=invited, user=other_member.user, display_name="Oscar", profile={}
        )


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_make_one_member(lender, invited, other_member, partnership):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def confirm():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.join_with_account(
                    connection=invited, user=other_member.user, display_name="Oscar", profile={}
                ).pk
            )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert results[0] == results[1]
    assert Member.objects.filter(partnership=partnership, user=other_member.user).count() == 1
    assert OutboxMessage.objects.filter(template="comarketing/partner_active").count() == 1


def test_while_not_yet_a_member_here_the_header_offers_only_what_answers(
    lender, invited, other_member, partnership
):
    # Logged in to accept, before confirming: every header link must work (the member pages
    # answer 404 to someone who is not a member of this partnership), and log out is there.
    import re

    client = client_for(partnership)
    client.post(join_path(invited))
    client.post(
        "/accounts/login/",
        {"login": other_member.user.email, "password": PASSWORD, "next": join_path(invited)},
    )
    page = client.get(join_path(invited)).text
    header = re.split(r'<nav [^>]*aria-label="Main">', page, maxsplit=1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)"', header)
    assert links, header
    for link in links:
        assert client.get(link).status_code != 404, link
    assert "Log out" in header
    for entry in ("Dashboard", "Leads", "Transactions", "Outreach", "Co-marketing", "Policy"):
        assert f">{entry}<" not in header

    # Once they confirm, the member's menu is theirs.
    client.post(join_path(invited), details())
    header = re.split(r'<nav [^>]*aria-label="Main">', client.get("/dashboard/").text)[1]
    header = header.split("</nav>", 1)[0]
    for entry in ("Dashboard", "Leads", "Transactions", "Outreach", "Co-marketing", "Policy"):
        assert f">{entry}<" in header
