"""What members send leadership about the engagement policy: critique and suggestions for its
improvement (answered by leadership, or taken into a revision put to the vote: see
`policy.services.revisions`), and reports of a suspected breach, confidential to leadership.

A refusal is a `PolicyRefused`, keyed by field where one field is at fault.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from members.models import Member, User
from members.selectors import leaders
from pinnacle.forms import EMAIL_MAX_LENGTH
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from pinnacle.models import Partnership
from pinnacle.tenancy import record_audit
from pinnacle.text import bounded_text
from policy.models import BreachReport, PolicySuggestion
from policy.services.participation import PolicyRefused, require_active, require_leadership

MAX_BODY_LENGTH = 5000


def _body(text: str, field: str, what: str) -> str:
    text = bounded_text(
        text,
        max_length=MAX_BODY_LENGTH,
        too_long=lambda length: PolicyRefused(
            f"Keep it to {MAX_BODY_LENGTH:,} characters (this has {length:,}).", field=field
        ),
    )
    if not text:
        raise PolicyRefused(f"Write {what}.", field=field)
    return text


@transaction.atomic
def submit_suggestion(*, member: Member, kind: str, body: str) -> PolicySuggestion:
    """Any active member critiques the policy or suggests an improvement; leadership is told."""
    require_active(member)
    if kind not in PolicySuggestion.Kind.values:
        raise PolicyRefused("Choose critique or suggestion.", field="kind")
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
        raise PolicyRefused(
            "This suggestion was taken into an approved revision; it can no longer be declined."
        )
    if suggestion.status == PolicySuggestion.Status.DECLINED and decline:
        raise PolicyRefused("This suggestion was already declined.")
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


# policy: "anyone can report a suspected breach (confidential to leadership, with the reporter
# protected)". Before 2000 is no record the portal keeps; the future has not happened.
EARLIEST_OCCURRENCE = datetime.date(2000, 1, 1)
REPORTER_NAME_MAX_LENGTH = 120


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
    of the notice and cannot see the report). Reporting with their name, they can follow their
    report's status."""
    require_active(member)
    partnership = member.partnership
    if subject_member is not None and subject_member.pk == member.pk:
        raise PolicyRefused(
            "You cannot report yourself; tell leadership directly.", field="subject_member"
        )
    return _file_report(
        partnership=partnership,
        source=BreachReport.Source.MEMBER,
        reporter=None if anonymous else member,
        description=description,
        subject_member=subject_member,
        occurred_on=occurred_on,
    )


@transaction.atomic
def report_breach_as_visitor(
    *,
    partnership: Partnership,
    description: str,
    subject_member: Member | None = None,
    occurred_on: datetime.date | None = None,
    name: str = "",
    email: str = "",
) -> BreachReport:
    """Anyone without a login (a prospect, a customer) reports a suspected breach. A name and
    email are optional, for follow-up only: no email names them, and the member concerned is
    never shown them."""
    name = " ".join((name or "").split())
    if len(name) > REPORTER_NAME_MAX_LENGTH:
        raise PolicyRefused(
            f"Keep your name to {REPORTER_NAME_MAX_LENGTH} characters.", field="name"
        )
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise PolicyRefused(
                "Enter a valid email address, or leave it empty.", field="email"
            ) from exc
        if len(email) > EMAIL_MAX_LENGTH:
            raise PolicyRefused(
                f"Enter an email address of at most {EMAIL_MAX_LENGTH} characters.", field="email"
            )
    return _file_report(
        partnership=partnership,
        source=BreachReport.Source.VISITOR,
        reporter=None,
        reporter_name=name,
        reporter_email=email,
        description=description,
        subject_member=subject_member,
        occurred_on=occurred_on,
    )


def check_occurred_on(day: datetime.date | None, partnership: Partnership) -> None:
    """When it happened: optional, from 2000 to today (in the partnership's time zone)."""
    if day is None:
        return
    if not EARLIEST_OCCURRENCE <= day <= partnership.today():
        raise PolicyRefused(
            "Enter a date from January 1, 2000 to today (the day it happened, if you know it).",
            field="occurred_on",
        )


def site_admins():
    """The site's superusers who receive what leadership cannot: active staff accounts."""
    return User.objects.filter(is_superuser=True, is_staff=True, is_active=True).order_by("pk")


def _file_report(
    *,
    partnership: Partnership,
    source: str,
    reporter: Member | None,
    description: str,
    subject_member: Member | None,
    occurred_on: datetime.date | None,
    reporter_name: str = "",
    reporter_email: str = "",
) -> BreachReport:
    """Stores the report and sends it to leadership, less the member it concerns. A report that
    concerns every active leader (the only one, say) goes to the site's superusers instead."""
    if subject_member is not None and (
        subject_member.partnership_id != partnership.pk or not subject_member.is_active
    ):
        raise PolicyRefused("Choose a member of this partnership.", field="subject_member")
    check_occurred_on(occurred_on, partnership)
    description = _body(description, "description", "what happened")
    recipients = leaders(partnership, excluding=subject_member)
    report = BreachReport.objects.create(
        partnership=partnership,
        source=source,
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        subject_member=subject_member,
        description=description,
        occurred_on=occurred_on,
        routed_to=(
            BreachReport.RoutedTo.LEADERSHIP if recipients else BreachReport.RoutedTo.SITE_ADMINS
        ),
    )
    report.partnership = partnership
    _send_to_handlers(report, recipients)
    record_audit(
        partnership=partnership,
        actor=None,  # the reporter is protected, even from the audit trail
        action="policy.breach_reported",
        target=report,
        summary=f"Breach report #{report.pk} received; sent to "
        f"{report.get_routed_to_display().lower()}",
    )
    return report


def _send_to_handlers(report: BreachReport, recipients: list[Member]) -> None:
    """The report to each leader who handles it, or to the site's superusers when none may."""
    partnership = report.partnership
    if recipients:
        report_url = partnership.absolute_url(report.get_absolute_url())
        for leader in recipients:
            _send_report(
                report,
                key=f"leader:{leader.pk}",
                to=leader.email,
                name=leader.display_name,
                url=report_url,
            )
    else:
        admin_url = partnership.absolute_url(
            reverse("admin:policy_breachreport_change", args=[report.pk])
        )
        for user in site_admins():
            _send_report(
                report,
                key=f"admin:{user.pk}",
                to=user.email,
                name=user.get_full_name() or user.email,
                url=admin_url,
            )


def _send_report(report: BreachReport, *, key: str, to: str, name: str, url: str) -> None:
    """The notice says a report arrived and where to read it; never who sent it or about whom."""
    queue_email(
        partnership=report.partnership,
        key=f"breach-report:{report.pk}:{key}",
        template="members/policy_breach_report",
        to=to,
        context={
            "report": report,
            "recipient_name": name,
            "from_visitor": report.source == BreachReport.Source.VISITOR,
            "to_site_admins": report.routed_to == BreachReport.RoutedTo.SITE_ADMINS,
            "report_url": url,
        },
        about=report,
    )


def may_see_report(report: BreachReport, member: Member) -> bool:
    """Active leadership of its partnership, except the member it concerns."""
    return (
        member.is_active
        and member.is_leadership
        and member.partnership_id == report.partnership_id
        and report.subject_member_id != member.pk
    )


def _require_site_admin(user: User, report: BreachReport) -> None:
    if not (user.is_active and user.is_staff and user.is_superuser):
        raise PolicyRefused(
            "Only the partnership's administrative leadership or the site's administrators "
            "can do this."
        )
    if (
        report.subject_member_id is not None
        and Member.objects.filter(pk=report.subject_member_id, user=user).exists()
    ):
        raise PolicyRefused("This report concerns you; another administrator must handle it.")


def check_breach_update(
    *, report: BreachReport, actor: Member | User, status: str, resolution: str = ""
) -> tuple[str, str]:
    """The status and resolution as they would be stored, or the refusal: who may handle the
    report, and that closing it says how. The admin's form asks this too, to show refusals as
    errors."""
    if isinstance(actor, User):
        _require_site_admin(actor, report)
    else:
        require_leadership(actor, report.partnership_id)
        if not may_see_report(report, actor):
            raise PolicyRefused("This report concerns you; another leader must handle it.")
    if status not in BreachReport.Status.values:
        raise PolicyRefused("Choose a status.", field="status")
    resolution = (resolution or "").strip()
    if status in (BreachReport.Status.RESOLVED, BreachReport.Status.DISMISSED) and not resolution:
        raise PolicyRefused(
            "Say how the report was resolved or why it was dismissed.", field="resolution"
        )
    if len(resolution) > MAX_BODY_LENGTH:
        raise PolicyRefused(f"Keep it to {MAX_BODY_LENGTH:,} characters.", field="resolution")
    return status, resolution


@transaction.atomic
def update_breach_report(
    *, report: BreachReport, actor: Member | User, status: str, resolution: str = ""
) -> BreachReport:
    """Leadership (a Member), or a site superuser (a User: they receive the reports that concern
    every leader), moves a report along; closing it (resolved or dismissed) needs a resolution."""
    report = BreachReport.objects.select_for_update().get(pk=report.pk)
    status, resolution = check_breach_update(
        report=report, actor=actor, status=status, resolution=resolution
    )
    before = report.status
    report.status, report.resolution = status, resolution
    report.save(update_fields=["status", "resolution"])
    record_audit(
        partnership=report.partnership,
        actor=actor if isinstance(actor, User) else actor.user,
        action="policy.breach_report_updated",
        target=report,
        summary=f"Breach report #{report.pk}: {BreachReport.Status(before).label} \u2192 "
        f"{report.get_status_display()}",
    )
    return report
