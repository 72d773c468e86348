"""The admin and the policy: its numbers are locked once a partnership exists, revisions are
drafted and put to the vote through the governance services, and confidential rows stay so."""

import pytest
from django.test import Client

from pinnacle.mail.models import OutboxMessage
from pinnacle.models import POLICY_FIELDS, Partnership
from policy.models import PolicyRevision, PolicyVersion
from policy.services.feedback import report_breach
from policy.services.revisions import cast_vote, open_voting
from policy.services.versions import current_policy
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, PolicyRevisionFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGED = {
    "intro_statement": "Hello from {partnership}. I specialize in {specialization}",
    "cold_attempts_per_week": 9,
    "cease_after_attempts": 20,
    "cease_window_days": 90,
    "inquiry_reply_hours": 72,
    "acknowledgement_follow_up_days": 14,
    "post_close_meeting_days": 10,
    "comarketing_first_reminder_days": 5,
    "comarketing_second_reminder_days": 11,
    "thank_you_letter_days": 30,
    "policy_majority_of": "votes_cast",
}


@pytest.fixture
def superuser_client(partnership) -> Client:
    client = Client(HTTP_HOST=partnership.host)
    client.force_login(
        UserFactory(email="root@example.com", is_superuser=True, is_staff=True),
        backend="members.auth.PartnershipMemberBackend",
    )
    return client


def form_data(response) -> dict:
    """What the admin's change form would post back as it is."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("seal",) or value is None:
            value = ""
        data[name] = value
    return data


@pytest.mark.parametrize("who", ["leader", "superuser"])
def test_the_policy_numbers_cannot_be_changed_in_admin(
    request, partnership, leader, superuser_client, who
):
    client = client_for(partnership, leader) if who == "leader" else superuser_client
    url = f"/admin/pinnacle/partnership/{partnership.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    for name in POLICY_FIELDS:
        assert f'name="{name}"' not in page.text, name
    assert 'href="/policy/revisions/"' in page.text

    data = {**form_data(page), **CHANGED, "name": "Pinnacle Partners"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    partnership.refresh_from_db()
    assert partnership.name == "Pinnacle Partners"  # the form was saved ...
    for name in POLICY_FIELDS:  # ... and no policy setting moved
        assert getattr(partnership, name) == Partnership._meta.get_field(name).get_default()


def test_a_new_partnerships_numbers_are_set_when_it_is_added(superuser_client):
    data = {
        "name": "Summit Group",
        "slug": "summit",
        "domain": "",
        "timezone": "America/Denver",
        "website_url": "https://summit.example.com",
        "reply_from_email": "",
        "inquiry_reminder_hours_before": 4,
        **CHANGED,
    }
    response = superuser_client.post("/admin/pinnacle/partnership/add/", data)
    assert response.status_code == 302
    summit = Partnership.objects.get(slug="summit")
    assert summit.cold_attempts_per_week == 9
    version = current_policy(summit)
    assert version.number == 1 and version.settings["cold_attempts_per_week"] == 9


def test_leadership_drafts_a_revision_in_admin_through_the_service(
    leader_client, partnership, leader
):
    page = leader_client.get("/admin/policy/policyrevision/add/")
    assert page.status_code == 200
    assert 'name="cold_attempts_per_week"' in page.text
    data = {
        "title": "Longer reply window",
        "rationale": "Weekends.",
        "text": current_policy(partnership).text,
        **{name: getattr(partnership, name) for name in POLICY_FIELDS},
        "inquiry_reply_hours": 36,
    }
    response = leader_client.post("/admin/policy/policyrevision/add/", data)
    assert response.status_code == 302
    revision = PolicyRevision.objects.get()
    assert revision.status == "draft" and revision.settings["inquiry_reply_hours"] == 36
    assert revision.proposed_by == leader and revision.base_version.number == 1
    partnership.refresh_from_db()
    assert partnership.inquiry_reply_hours == 24


def test_a_refused_draft_is_an_admin_form_error(leader_client, partnership):
    data = {
        "title": "Nothing new",
        "rationale": "",
        "text": current_policy(partnership).text,
        **{name: getattr(partnership, name) for name in POLICY_FIELDS},
    }
    response = leader_client.post("/admin/policy/policyrevision/add/", data)
    assert response.status_code == 200 and "changes neither the text" in response.text
    data["comarketing_second_reminder_days"] = 1
    response = leader_client.post("/admin/policy/policyrevision/add/", data)
    assert "The second reminder must come after the first." in response.text
    assert not PolicyRevision.objects.exists()


def test_the_admin_action_opens_voting_for_a_week(leader_client, partnership, leader, member):
    revision = PolicyRevisionFactory(partnership=partnership, proposed_by=leader)
    response = leader_client.post(
        "/admin/policy/policyrevision/",
        {"action": "open_voting_for_a_week", "_selected_action": [revision.pk]},
        follow=True,
    )
    assert "is open" in response.text
    revision.refresh_from_db()
    assert revision.status == "voting"
    assert OutboxMessage.objects.filter(template="members/policy_vote_open").count() == 2
    # A revision's record is not edited by hand.
    page = leader_client.get(f"/admin/policy/policyrevision/{revision.pk}/change/").text
    assert 'name="title"' not in page


def test_votes_are_not_shown_in_admin_while_the_vote_is_open(leader_client, leader, member):
    draft = PolicyRevisionFactory(partnership=leader.partnership, proposed_by=leader)
    revision = open_voting(revision=draft, actor=leader)
    cast_vote(revision=revision, member=member, choice="yes")
    page = leader_client.get("/admin/policy/policyvote/").text
    assert member.display_name not in page
    PolicyRevision.objects.filter(pk=revision.pk).update(status="approved")
    assert member.display_name in leader_client.get("/admin/policy/policyvote/").text


def test_versions_are_read_only_in_admin(leader_client, partnership):
    version = current_policy(partnership)
    page = leader_client.get(f"/admin/policy/policyversion/{version.pk}/change/")
    assert page.status_code == 200 and 'name="text"' not in page.text
    assert leader_client.get("/admin/policy/policyversion/add/").status_code == 403
    response = leader_client.post(
        f"/admin/policy/policyversion/{version.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403 and PolicyVersion.objects.filter(pk=version.pk).exists()


def test_a_leader_never_sees_a_report_about_themselves_in_admin(partnership, member, leader):
    other_leader = LeadershipFactory(partnership=partnership)
    report = report_breach(
        member=member, description="Talked about a closing.", subject_member=leader
    )
    concerned = client_for(partnership, leader)
    assert "Breach report #" not in concerned.get("/admin/policy/breachreport/").text
    assert concerned.get(f"/admin/policy/breachreport/{report.pk}/change/").status_code == 302
    handling = client_for(partnership, other_leader)
    page = handling.get(f"/admin/policy/breachreport/{report.pk}/change/").text
    assert "Talked about a closing." in page and member.display_name in page


def test_another_partnerships_governance_rows_are_not_in_this_admin(
    leader_client, other_partnership
):
    foreign = PolicyRevisionFactory(partnership=other_partnership, title="Harbor rules")
    assert "Harbor rules" not in leader_client.get("/admin/policy/policyrevision/").text
    response = leader_client.get(f"/admin/policy/policyrevision/{foreign.pk}/change/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/members/breachreport/7/change/", "/admin/policy/breachreport/7/change/"),
        ("/admin/members/policyversion/", "/admin/policy/policyversion/"),
        ("/admin/members/policysuggestion/3/change/", "/admin/policy/policysuggestion/3/change/"),
        ("/admin/members/policyrevision/add/", "/admin/policy/policyrevision/add/"),
        ("/admin/members/policyvote/?choice=yes", "/admin/policy/policyvote/?choice=yes"),
    ],
)
def test_the_policy_models_old_admin_links_lead_to_their_new_pages(partnership, old, new):
    # Breach-report emails sent before the models moved to the policy app link to the old pages.
    response = Client(HTTP_HOST=partnership.host).get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_the_members_own_admin_pages_stay_where_they_are(partnership, leader):
    client = client_for(partnership, leader)
    assert client.get("/admin/members/member/").status_code == 200
