"""Policy governance: members' critique and suggestions, leadership's responses, and breach reports
(anonymous or named) and their resolution."""

import datetime

import pytest

from pinnacle.models import AuditEvent
from policy.models import BreachReport, PolicySuggestion
from policy.services import feedback
from policy.services.feedback import report_breach, respond_to_suggestion, submit_suggestion
from policy.services.participation import PolicyRefused
from tests.members.factories import LeadershipFactory, MemberFactory, PolicySuggestionFactory
from tests.policy.governance_helpers import START, emails

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


# --- Critique and suggestions -------------------------------------------------------------------


def test_a_member_suggests_and_leadership_is_emailed(member, leader, other_partnership):
    LeadershipFactory(partnership=other_partnership)
    suggestion = submit_suggestion(member=member, kind="suggestion", body="  Allow 3 a week. ")
    assert suggestion.body == "Allow 3 a week." and suggestion.status == "open"
    (notice,) = emails("members/policy_suggestion")
    assert notice.to_email == leader.email
    assert "Allow 3 a week." in notice.body_text and member.display_name in notice.subject


@pytest.mark.parametrize(
    ("kind", "body", "field"), [("praise", "Nice", "kind"), ("critique", "   ", "body")]
)
def test_a_suggestion_needs_a_kind_and_words(member, kind, body, field):
    with pytest.raises(PolicyRefused) as refused:
        submit_suggestion(member=member, kind=kind, body=body)
    assert field in refused.value.errors()
    assert not PolicySuggestion.objects.exists()


def test_an_inactive_member_cannot_suggest(member):
    member.is_active = False
    member.save()
    with pytest.raises(PolicyRefused, match="active partner members"):
        submit_suggestion(member=member, kind="critique", body="Too strict.")


def test_leadership_declines_a_suggestion_with_a_response_emailed_to_its_author(member, leader):
    suggestion = submit_suggestion(member=member, kind="critique", body="Too strict.")
    respond_to_suggestion(
        suggestion=suggestion, actor=leader, response="It protects leads.", decline=True
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "declined" and suggestion.response == "It protects leads."
    (answer,) = emails("members/policy_suggestion_response")
    assert answer.to_email == member.email and "It protects leads." in answer.body_text
    assert answer.subject == "Leadership declined your policy critique"


def test_only_leadership_responds_and_a_decline_needs_reasons(member, leader):
    suggestion = PolicySuggestionFactory(partnership=member.partnership, author=member)
    with pytest.raises(PolicyRefused, match="administrative leadership"):
        respond_to_suggestion(suggestion=suggestion, actor=member, response="No.", decline=True)
    with pytest.raises(PolicyRefused) as refused:
        respond_to_suggestion(suggestion=suggestion, actor=leader, response=" ", decline=True)
    assert "response" in refused.value.errors()
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


# --- Breach reports -------------------------------------------------------------------------------


def test_an_anonymous_report_stores_no_reporter_and_no_email_names_them(
    partnership, member, leader
):
    concerned = MemberFactory(partnership=partnership, display_name="Carl Concerned")
    report = report_breach(
        member=member,
        description="Carl emailed my lead twice in one day.",
        subject_member=concerned,
        occurred_on=datetime.date(2025, 3, 1),
        anonymous=True,
    )
    report.refresh_from_db()
    assert report.reporter is None and report.subject_member == concerned
    (notice,) = emails("members/policy_breach_report")
    assert notice.to_email == leader.email
    for part in (notice.subject, notice.body_text, notice.body_html):
        assert member.display_name not in part and member.email not in part
        assert "Carl" not in part  # the details stay in the portal
    audit = AuditEvent.objects.get(action="policy.breach_reported")
    assert audit.actor is None and member.display_name not in audit.summary


def test_a_named_report_keeps_the_reporter_for_leadership(partnership, member, leader):
    report = report_breach(member=member, description="Missing opt-out link.")
    assert report.reporter == member
    (notice,) = emails("members/policy_breach_report")
    assert member.display_name not in notice.body_text


def test_a_leader_concerned_by_a_report_is_not_told(partnership, member, leader):
    other_leader = LeadershipFactory(partnership=partnership)
    report_breach(member=member, description="Shared a closing price.", subject_member=leader)
    assert [m.to_email for m in emails("members/policy_breach_report")] == [other_leader.email]


@pytest.mark.parametrize("problem", ["self", "future", "year_one", "foreign", "empty"])
def test_a_report_must_make_sense(member, other_member, clock, problem):
    kwargs = {"member": member, "description": "It happened."}
    if problem == "self":
        kwargs["subject_member"] = member
    elif problem == "future":
        kwargs["occurred_on"] = datetime.date(2025, 4, 2)
    elif problem == "year_one":
        kwargs["occurred_on"] = datetime.date(1, 1, 1)
    elif problem == "foreign":
        kwargs["subject_member"] = other_member
    else:
        kwargs["description"] = ""
    with pytest.raises(PolicyRefused):
        report_breach(**kwargs)
    assert not BreachReport.objects.exists()


def test_leadership_resolves_a_report_only_with_a_resolution(member, leader):
    report = report_breach(member=member, description="Missing seal.")
    with pytest.raises(PolicyRefused) as refused:
        feedback.update_breach_report(report=report, actor=leader, status="resolved")
    assert "resolution" in refused.value.errors()
    feedback.update_breach_report(
        report=report, actor=leader, status="resolved", resolution="Spoke with the member."
    )
    report.refresh_from_db()
    assert report.status == "resolved" and report.resolution == "Spoke with the member."
    with pytest.raises(PolicyRefused, match="administrative leadership"):
        feedback.update_breach_report(report=report, actor=member, status="open")
