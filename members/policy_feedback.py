"""What members send leadership about the engagement policy: critique and suggestions for its
improvement (answered by leadership, or taken into a revision put to the vote: see
`members.governance`), and reports of a suspected breach, confidential to leadership.

A refusal is a `GovernanceRefused`, keyed by field where one field is at fault.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from members.governance import GovernanceRefused, leaders, require_active, require_leadership
from members.models import BreachReport, Member, PolicySuggestion
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

MAX_BODY_LENGTH = 5000


def _body(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise GovernanceRefused({field: f"Write {what}."}, code="required")
    if len(text) > MAX_BODY_LENGTH:
        raise GovernanceRefused(
            {field: f"Keep it to {MAX_BODY_LENGTH:,} characters (this has {len(text):,})."},
            code="too_long",
        )
    return text


@transaction.atomic
def submit_suggestion(*, member: Member, kind: str, body: str) -> PolicySuggestion:
    """Any active member critiques the policy or suggests an improvement; leadership is told."""
    require_active(member)
    if kind not in PolicySuggestion.Kind.values:
        raise GovernanceRefused({"kind": "Choose critique or suggestion."}, code="kind")
    suggestion = PolicySuggestion.objects.create(
        partnership=member.partnership,
        author=member,
        kind=kind,
        body=_body(body, "body", "your critique or suggestion"),
    )
    partnership = member.partnership
    for leader in leaders(partnership, excluding=member):
        queue_email(
            partnership=partnership,
            key=f"policy-suggestion:{suggestion.pk}:leader:{leader.pk}",
            template="members/policy_suggestion",
            to=leader.email,
            context={
                "suggestion": suggestion,
                "author": member,
                "recipient": leader,
                "suggestions_url": partnership.absolute_url(reverse("policy_suggestions")),
            },
            about=suggestion,
        )
    record_audit(
        partnership=partnership,
        actor=member.user,
        action="policy.suggestion_submitted",
        target=suggestion,
        summary=f"{member.display_name} submitted a {suggestion.get_kind_display().lower()}",
    )
    return suggestion


@transaction.atomic
def respond_to_suggestion(
    *, suggestion: PolicySuggestion, actor: Member, response: str, decline: bool = False
) -> PolicySuggestion:
    """Leadership answers a suggestion, or declines it with the reason; the author is emailed.
    A suggestion taken into a revision is answered by that revision's vote."""
    suggestion = (
        PolicySuggestion.objects.select_for_update(of=("self",))
        .select_related("partnership", "author__user")
        .get(pk=suggestion.pk)
    )
    require_leadership(actor, suggestion.partnership_id)
    if suggestion.status == PolicySuggestion.Status.ADOPTED:
        raise GovernanceRefused(
            "This suggestion was taken into an approved revision; it can no longer be declined.",
            code="adopted",
        )
    if suggestion.status == PolicySuggestion.Status.DECLINED and decline:
        raise GovernanceRefused("This suggestion was already declined.", code="declined")
    what = "why it is declined" if decline else "your response"
    suggestion.response = _body(response, "response", what)
    fields = ["response"]
    if decline:
        suggestion.status = PolicySuggestion.Status.DECLINED
        suggestion.revision = None
        fields += ["status", "revision"]
    suggestion.save(update_fields=fields)
    partnership = suggestion.partnership
    queue_email(
        partnership=partnership,
        key=f"policy-suggestion:{suggestion.pk}:response:{_email_count(suggestion)}",
        template="members/policy_suggestion_response",
        to=suggestion.author.email,
        context={
            "suggestion": suggestion,
            "recipient": suggestion.author,
            "leader": actor,
            "declined": decline,
            "suggestions_url": partnership.absolute_url(reverse("policy_suggestions")),
        },
        about=suggestion,
    )
    record_audit(
        partnership=partnership,
        actor=actor.user,
        action="policy.suggestion_declined" if decline else "policy.suggestion_answered",
        target=suggestion,
        summary=f"{actor.display_name} {'declined' if decline else 'answered'} "
        f"a {suggestion.get_kind_display().lower()} by {suggestion.author.display_name}",
    )
    return suggestion


def _email_count(row) -> int:
    """How many emails were already queued about this (locked) row, to key the next one."""
    return (
        OutboxMessage.objects.for_partnership(row.partnership)
        .filter(content_type=ContentType.objects.get_for_model(row), object_id=row.pk)
        .count()
    )


@transaction.atomic
def report_breach(
    *,
    member: Member,
    description: str,
    subject_member: Member | None = None,
    occurred_on: datetime.date | None = None,
    anonymous: bool = False,
) -> BreachReport:
    """Any active member reports a suspected breach, confidential to leadership.

    The reporter is protected: with `anonymous` they are not stored at all; in any case no
    email names them, and the member concerned is told nothing (a leader concerned is left out
    of the notice and cannot see the report)."""
    require_active(member)
    partnership = member.partnership
    if subject_member is not None:
        if subject_member.partnership_id != partnership.pk or not subject_member.is_active:
            raise GovernanceRefused(
                {"subject_member": "Choose a member of this partnership."}, code="subject"
            )
        if subject_member.pk == member.pk:
            raise GovernanceRefused(
                {"subject_member": "You cannot report yourself; tell leadership directly."},
                code="self",
            )
    if occurred_on is not None and occurred_on > partnership.today():
        raise GovernanceRefused({"occurred_on": "The date cannot be in the future."}, code="future")
    report = BreachReport.objects.create(
        partnership=partnership,
        reporter=None if anonymous else member,
        subject_member=subject_member,
        description=_body(description, "description", "what happened"),
        occurred_on=occurred_on,
    )
    for leader in leaders(partnership, excluding=subject_member):
        queue_email(
            partnership=partnership,
            key=f"breach-report:{report.pk}:leader:{leader.pk}",
            template="members/policy_breach_report",
            to=leader.email,
            context={
                "report": report,
                "recipient": leader,
                "report_url": partnership.absolute_url(report.get_absolute_url()),
            },
            about=report,
        )
    record_audit(
        partnership=partnership,
        actor=None,  # the reporter is protected, even from the audit trail
        action="policy.breach_reported",
        target=report,
        summary=f"Breach report #{report.pk} received",
    )
    return report


def may_see_report(report: BreachReport, member: Member) -> bool:
    """Active leadership of its partnership, except the member it concerns."""
    return (
        member.is_active
        and member.is_leadership
        and member.partnership_id == report.partnership_id
        and report.subject_member_id != member.pk
    )


@transaction.atomic
def update_breach_report(
    *, report: BreachReport, actor: Member, status: str, resolution: str = ""
) -> BreachReport:
    """Leadership moves a report along; closing it (resolved or dismissed) needs a resolution."""
    report = BreachReport.objects.select_for_update().get(pk=report.pk)
    require_leadership(actor, report.partnership_id)
    if not may_see_report(report, actor):
        raise GovernanceRefused(
            "This report concerns you; another leader must handle it.", code="concerned"
        )
    if status not in BreachReport.Status.values:
        raise GovernanceRefused({"status": "Choose a status."}, code="status")
    resolution = (resolution or "").strip()
    if status in (BreachReport.Status.RESOLVED, BreachReport.Status.DISMISSED) and not resolution:
        raise GovernanceRefused(
            {"resolution": "Say how the report was resolved or why it was dismissed."},
            code="resolution",
        )
    if len(resolution) > MAX_BODY_LENGTH:
        raise GovernanceRefused(
            {"resolution": f"Keep it to {MAX_BODY_LENGTH:,} characters."}, code="too_long"
        )
    before = report.status
    report.status, report.resolution = status, resolution
    report.save(update_fields=["status", "resolution"])
    record_audit(
        partnership=report.partnership,
        actor=actor.user,
        action="policy.breach_report_updated",
        target=report,
        summary=f"Breach report #{report.pk}: {BreachReport.Status(before).label} \u2192 "
        f"{report.get_status_display()}",
    )
    return report
