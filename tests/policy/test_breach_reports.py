"""policy: "anyone can report a suspected breach (confidential to leadership, with the reporter
protected)": visitors without a login as well as members, a report about leadership reaching the
site's administrators, the date it happened bounded, and members following their own reports."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from policy.models import BreachReport
from policy.services.feedback import report_breach, report_breach_as_visitor, update_breach_report
from policy.services.participation import PolicyRefused
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory, MemberFactory, UserFactory, bulk_members

START = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


@pytest.fixture
def root():
    """The site's superuser: active staff."""
    return UserFactory(email="root@example.com", is_superuser=True, is_staff=True)


@pytest.fixture
def root_client(partnership, root) -> Client:
    client = Client(HTTP_HOST=partnership.host)
    client.force_login(root, backend="members.auth.PartnershipMemberBackend")
    return client


def notices():
    return list(
        OutboxMessage.objects.filter(template="members/policy_breach_report").order_by("to_email")
    )


def visitor_data(**overrides):
    data = {
        "subject_member": "",
        "occurred_on": "2025-03-28",
        "description": "A member called me four times in one day about my listing.",
        "name": "Vera Visitor",
        "email": "vera@example.com",
        "website": "",
    }
    data.update(overrides)
    return data


# --- Visitors report without a login ------------------------------------------------------------


def test_a_visitor_reports_a_breach_and_leadership_alone_can_reach_them(
    clock, anon_client, partnership, leader, member
):
    form = anon_client.get("/policy/report/")
    assert form.status_code == 200
    assert "Your email" in form.text and "Keep me anonymous" not in form.text
    assert member.display_name in form.text  # the directory's members can be named
    assert 'class="policy-nav"' not in form.text  # no members' pages for visitors

    response = anon_client.post("/policy/report/", visitor_data(subject_member=member.pk))
    assert response.status_code == 302 and response.url == "/policy/report/thanks/"
    report = BreachReport.objects.get()
    assert report.source == "visitor" and report.reporter is None
    assert (report.reporter_name, report.reporter_email) == ("Vera Visitor", "vera@example.com")
    assert report.subject_member == member and report.routed_to == "leadership"

    thanks = anon_client.get(response.url).text
    assert "sent to the partnership&#x27;s administrative leadership" in thanks
    assert "write to you at the address you gave" in thanks

    (notice,) = notices()
    assert notice.to_email == leader.email
    assert "A visitor to the website reported" in notice.body_text
    for part in (notice.subject, notice.body_text, notice.body_html):
        assert "Vera" not in part and "vera@example.com" not in part
        assert member.display_name not in part and "four times" not in part

    page = client_for(partnership, leader).get(f"/policy/reports/{report.pk}/").text
    assert "Vera Visitor" in page and "mailto:vera@example.com" in page
    assert "A visitor (prospect or customer)" in page


def test_a_visitor_may_stay_unnamed(clock, anon_client, partnership, leader):
    response = anon_client.post("/policy/report/", visitor_data(name="", email=""))
    assert response.status_code == 302
    report = BreachReport.objects.get()
    assert report.reporter_name == "" and report.reporter_email == ""
    assert "cannot follow up with you" in anon_client.get(response.url).text
    page = client_for(partnership, leader).get(f"/policy/reports/{report.pk}/").text
    assert "Anonymous" in page


def test_a_bot_filling_the_honeypot_gets_the_thanks_page_and_nothing_is_kept(
    clock, anon_client, partnership, leader
):
    response = anon_client.post("/policy/report/", visitor_data(website="http://spam.example"))
    assert response.status_code == 302 and response.url == "/policy/report/thanks/"
    assert not BreachReport.objects.exists() and not notices()
    assert anon_client.get(response.url).status_code == 200


def test_visitors_are_limited_per_network_and_told_clearly(clock, anon_client, partnership, leader):
    for n in range(5):
        response = anon_client.post("/policy/report/", visitor_data(description=f"Breach {n}"))
        assert response.status_code == 302
    refused = anon_client.post("/policy/report/", visitor_data(description="Breach 6"))
    assert refused.status_code == 429
    assert "Too many submissions from your network" in refused.text
    assert "Breach 6" in refused.text  # what they wrote is still in the form
    assert BreachReport.objects.count() == 5


def test_the_lead_forms_and_the_report_form_count_separately(
    clock, anon_client, partnership, leader
):
    for n in range(5):
        anon_client.post("/policy/report/", visitor_data(description=f"Breach {n}"))
    assert anon_client.post("/join/", {}).status_code != 429


def test_a_visitors_report_is_kept_with_redis_down(
    clock, anon_client, partnership, leader, redis_down, caplog
):
    response = anon_client.post("/policy/report/", visitor_data())
    assert response.status_code == 302
    assert BreachReport.objects.count() == 1 and len(notices()) == 1
    assert "Rate limiter unavailable; breach-report accepted without it" in caplog.text


def test_a_visitors_mistakes_are_explained_and_nothing_is_kept(clock, anon_client, partnership):
    response = anon_client.post(
        "/policy/report/", visitor_data(description=" ", email="not-an-address")
    )
    assert response.status_code == 400
    assert "This field is required." in response.text or "Write what happened" in response.text
    assert "Enter a valid email address" in response.text
    assert not BreachReport.objects.exists()


def test_control_characters_are_refused_before_the_form(clock, anon_client, partnership):
    response = anon_client.post("/policy/report/", visitor_data(description="Hello\x00there"))
    assert response.status_code == 400
    assert not BreachReport.objects.exists()


def test_a_visitor_cannot_name_another_partnerships_member(clock, partnership, other_member):
    with pytest.raises(PolicyRefused) as refused:
        report_breach_as_visitor(
            partnership=partnership, description="It happened.", subject_member=other_member
        )
    assert "subject_member" in refused.value.errors()
    assert not BreachReport.objects.exists()


def test_a_visitors_email_is_checked_by_the_service_too(clock, partnership, leader):
    with pytest.raises(PolicyRefused) as refused:
        report_breach_as_visitor(partnership=partnership, description="x", email="nope")
    assert "email" in refused.value.errors()
    report = report_breach_as_visitor(
        partnership=partnership, description="x", name="  Vera   V ", email=" Vera@Example.com "
    )
    assert (report.reporter_name, report.reporter_email) == ("Vera V", "vera@example.com")


# --- A report concerning leadership --------------------------------------------------------------


def test_a_report_about_the_only_leader_goes_to_the_sites_administrators(
    clock, partnership, member, leader, root
):
    UserFactory(email="retired-root@example.com", is_superuser=True, is_staff=True, is_active=False)
    UserFactory(email="not-staff-root@example.com", is_superuser=True, is_staff=False)
    UserFactory(email="just-staff@example.com", is_staff=True)
    report = report_breach(member=member, description="Shared my deal.", subject_member=leader)
    assert report.routed_to == "site_admins"
    (notice,) = notices()
    assert notice.to_email == root.email
    assert f"/admin/policy/breachreport/{report.pk}/change/" in notice.body_text
    assert "concerns Pinnacle Partnerships" in notice.body_text
    for part in (notice.subject, notice.body_text, notice.body_html):
        assert member.display_name not in part and leader.display_name not in part
    audit = AuditEvent.objects.get(action="policy.breach_reported")
    assert "the site's administrators" in audit.summary


def test_a_partnership_without_active_leadership_sends_reports_to_the_administrators(
    clock, partnership, member, root
):
    LeadershipFactory(partnership=partnership, is_active=False)
    report = report_breach(member=member, description="Missing opt-out link.")
    assert report.routed_to == "site_admins"
    assert [n.to_email for n in notices()] == [root.email]


def test_a_report_about_one_of_two_leaders_stays_with_leadership(
    clock, partnership, member, leader, root
):
    other = LeadershipFactory(partnership=partnership)
    report = report_breach(member=member, description="Shared my deal.", subject_member=leader)
    assert report.routed_to == "leadership"
    assert [n.to_email for n in notices()] == [other.email]


def test_the_member_is_told_truthfully_who_receives_their_report(
    clock, member_client, partnership, leader, root
):
    response = member_client.post(
        "/policy/report/",
        {"subject_member": leader.pk, "description": "Shared my deal with a friend."},
        follow=True,
    )
    assert response.status_code == 200
    assert "sent to the site&#x27;s administrators instead; no leader was sent it" in response.text
    assert "sent to leadership" not in response.text


def test_a_visitor_reporting_the_only_leader_is_told_it_goes_to_the_administrators(
    clock, anon_client, partnership, leader, root
):
    response = anon_client.post("/policy/report/", visitor_data(subject_member=leader.pk))
    thanks = anon_client.get(response.url).text
    assert "site&#x27;s administrators instead" in thanks
    assert [n.to_email for n in notices()] == [root.email]


def test_the_administrators_read_and_handle_the_report_in_admin(
    clock, partnership, member, leader, root, root_client
):
    report = report_breach(member=member, description="Shared my deal.", subject_member=leader)
    listing = root_client.get("/admin/policy/breachreport/?routed_to=site_admins")
    assert f"Breach report #{report.pk}" in listing.text
    url = f"/admin/policy/breachreport/{report.pk}/change/"
    page = root_client.get(url)
    assert page.status_code == 200 and "Shared my deal." in page.text
    assert member.display_name in page.text  # named reports keep their reporter

    refused = root_client.post(url, {"status": "resolved", "resolution": ""})
    assert refused.status_code == 200
    assert "Say how the report was resolved" in refused.text
    report.refresh_from_db()
    assert report.status == "open"

    done = root_client.post(url, {"status": "resolved", "resolution": "Spoke with the leader."})
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.resolution) == ("resolved", "Spoke with the leader.")
    audit = AuditEvent.objects.get(action="policy.breach_report_updated")
    assert audit.actor == root


def test_leadership_still_handles_reports_on_the_site_not_in_admin(
    clock, partnership, member, leader
):
    report = report_breach(member=member, description="Missing seal.")
    client = client_for(partnership, leader)
    url = f"/admin/policy/breachreport/{report.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"status": "dismissed", "resolution": "No."})
    report.refresh_from_db()
    assert report.status == "open"


def test_only_active_staff_superusers_handle_a_report_outside_leadership(
    clock, partnership, member, leader
):
    report = report_breach(member=member, description="Shared my deal.", subject_member=leader)
    staff = UserFactory(email="staff@example.com", is_staff=True)
    with pytest.raises(PolicyRefused, match="site's administrators"):
        update_breach_report(report=report, actor=staff, status="reviewing")
    # A superuser who is the member concerned does not handle their own report.
    concerned_root = leader.user
    concerned_root.is_superuser = True
    concerned_root.save(update_fields=["is_superuser"])
    with pytest.raises(PolicyRefused, match="concerns you"):
        update_breach_report(report=report, actor=concerned_root, status="reviewing")
    report.refresh_from_db()
    assert report.status == "open"


# --- When it happened -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (datetime.date(1, 1, 1), False),
        (datetime.date(1999, 12, 31), False),
        (datetime.date(2000, 1, 1), True),
        (datetime.date(2025, 4, 1), True),  # today, in the partnership's zone
        (datetime.date(2025, 4, 2), False),
    ],
)
def test_the_day_it_happened_is_from_2000_to_today(clock, member, leader, day, accepted):
    if accepted:
        assert report_breach(member=member, description="x", occurred_on=day).occurred_on == day
        return
    with pytest.raises(PolicyRefused) as refused:
        report_breach(member=member, description="x", occurred_on=day)
    assert refused.value.errors() == {
        "occurred_on": [
            "Enter a date from January 1, 2000 to today (the day it happened, if you know it)."
        ]
    }
    assert not BreachReport.objects.exists()


@pytest.mark.parametrize("who", ["member", "visitor"])
def test_year_one_on_the_form_is_a_clear_error(clock, partnership, member, leader, who):
    client = client_for(partnership, member if who == "member" else None)
    data = visitor_data(occurred_on="0001-01-01")
    response = client.post("/policy/report/", data)
    assert response.status_code == 400
    assert "Enter a date from January 1, 2000 to today" in response.text
    assert not BreachReport.objects.exists()
    form = client.get("/policy/report/").text
    assert 'min="2000-01-01"' in form and 'max="2025-04-01"' in form


# --- A member follows their own reports ----------------------------------------------------------


def test_a_member_sees_the_status_of_their_named_reports_only(
    clock, member_client, partnership, member, leader
):
    named = report_breach(member=member, description="Missing opt-out link.")
    update_breach_report(report=named, actor=leader, status="reviewing")
    report_breach(member=member, description="Sent anonymously.", anonymous=True)
    someone = MemberFactory(partnership=partnership)
    report_breach(member=someone, description="Someone else's report.")
    report_breach_as_visitor(partnership=partnership, description="A visitor's report.")

    page = member_client.get("/policy/reports/mine/")
    assert page.status_code == 200
    assert [r.pk for r in page.context["page"].object_list] == [named.pk]
    assert "Missing opt-out link." in page.text and "Under review" in page.text
    for hidden in ("Sent anonymously.", "Someone else", "A visitor"):
        assert hidden not in page.text
    assert 'href="/policy/reports/mine/"' in member_client.get("/policy/").text


def test_a_named_report_leads_the_member_to_their_reports(clock, member_client, leader):
    response = member_client.post("/policy/report/", {"description": "Missing seal."})
    assert response.status_code == 302 and response.url == "/policy/reports/mine/"
    anonymous = member_client.post(
        "/policy/report/", {"description": "Missing seal again.", "anonymous": "on"}
    )
    assert anonymous.url == "/policy/"


def test_the_resolution_stays_with_leadership(clock, member_client, member, leader):
    report = report_breach(member=member, description="Missing seal.")
    update_breach_report(
        report=report, actor=leader, status="resolved", resolution="Warned Carl in writing."
    )
    page = member_client.get("/policy/reports/mine/").text
    assert "Resolved" in page and "Warned Carl" not in page


def test_members_reports_are_for_members(anon_client, partnership):
    response = anon_client.get("/policy/reports/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_empty_list_says_how_to_report(member_client):
    page = member_client.get("/policy/reports/mine/").text
    assert "You have not sent a report with your name." in page


# Session, user, membership; the count and the page of rows.
MY_REPORTS_QUERIES = 5


@pytest.mark.parametrize("count", [10, 1000])
def test_a_members_reports_cost_the_same_at_any_size(
    member_client, partnership, member, count, django_assert_num_queries
):
    subjects = bulk_members(partnership, 10)
    BreachReport.objects.bulk_create(
        BreachReport(
            partnership=partnership,
            reporter=member,
            subject_member=subjects[n % 10],
            description=f"Report {n}",
        )
        for n in range(count)
    )
    with django_assert_num_queries(MY_REPORTS_QUERIES):
        response = member_client.get("/policy/reports/mine/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
