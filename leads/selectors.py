"""Read queries for members: the partnership's leads list, a lead's timeline, the CSV export and
leadership's response-time compliance report."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.db.models.lookups import Exact
from django.utils import timezone

from leads.models import Inquiry, InquiryResponse, Lead, Submission
from members.models import Member
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.models import AuditEvent, Partnership
from pinnacle.tenancy import get_for_partnership_or_404

LEADS_PER_PAGE = 25

SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "name": (Lower("name"), "pk"),
    "activity": ("-last_submitted_at", "-pk"),
}
DEFAULT_SORT = "newest"
UNASSIGNED = "none"


@dataclass(frozen=True)
class LeadFilters:
    """What the leads list and the CSV export are narrowed to. Empty values filter nothing."""

    q: str = ""
    channel: str = ""
    need: str = ""
    # A member's pk as text, UNASSIGNED for leads nobody referred, or "" for everyone.
    referrer: str = ""
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    # "yes": only opted-out leads, "no": only those who can still be contacted.
    opted_out: str = ""
    mine: bool = False
    sort: str = DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (sorting and the My leads tab do not count)."""
        return bool(
            self.q
            or self.channel
            or self.need
            or self.referrer
            or self.created_from
            or self.created_to
            or self.opted_out
        )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the partnership's timezone (settings.TIME_ZONE)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def is_opted_out() -> Exists:
    """Whether the lead's address is on its partnership's suppression list (case-insensitive;
    the comparison on lower(email) uses the suppression list's unique index)."""
    return Exists(
        Suppression.objects.filter(
            Exact(Lower("email"), Lower(OuterRef("email"))),
            partnership=OuterRef("partnership"),
        )
    )


def _digits(expression) -> Func:
    return Func(expression, Value(r"\D"), Value(""), Value("g"), function="regexp_replace")


def _search(leads: QuerySet[Lead], q: str) -> QuerySet[Lead]:
    matches = Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
    digits = "".join(c for c in q if c.isdigit())
    if len(digits) >= 3:
        # "512 555 0101" finds "(512) 555-0101": phone numbers are compared digit by digit.
        leads = leads.alias(phone_digits=_digits(F("phone")))
        matches |= Q(phone_digits__contains=digits)
    return leads.filter(matches)


def leads_for_list(
    *, partnership: Partnership, member: Member, filters: LeadFilters
) -> QuerySet[Lead]:
    """The partnership's leads as filtered, with each lead's referrer and opt-out state."""
    leads = (
        Lead.objects.for_partnership(partnership)
        .select_related("referring_member")
        .only(
            *(f.name for f in Lead._meta.concrete_fields),
            "referring_member__slug",
            "referring_member__display_name",
        )
        .annotate(is_opted_out=is_opted_out())
    )
    if filters.mine:
        leads = leads.filter(referring_member=member)
    if filters.q:
        leads = _search(leads, filters.q)
    if filters.channel:
        leads = leads.filter(channel=filters.channel)
    if filters.need:
        leads = leads.filter(need=filters.need)
    if filters.referrer == UNASSIGNED:
        leads = leads.filter(referring_member__isnull=True)
    elif filters.referrer:
        leads = leads.filter(referring_member_id=filters.referrer)
    if filters.created_from:
        leads = leads.filter(created_at__gte=_start_of_day(filters.created_from))
    if filters.created_to:
        next_day = filters.created_to + datetime.timedelta(days=1)
        leads = leads.filter(created_at__lt=_start_of_day(next_day))
    if filters.opted_out:
        leads = leads.filter(is_opted_out=filters.opted_out == "yes")
    return leads.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def leads_for_export(
    *, partnership: Partnership, member: Member, filters: LeadFilters
) -> QuerySet[Lead]:
    """The filtered list with what the CSV adds: how many forms each lead filled in."""
    submissions = (
        Submission.objects.filter(lead=OuterRef("pk"))
        .order_by()
        .values("lead")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return leads_for_list(partnership=partnership, member=member, filters=filters).annotate(
        submission_count=Coalesce(Subquery(submissions, output_field=IntegerField()), 0)
    )


def count_my_leads(*, partnership: Partnership, member: Member) -> int:
    return Lead.objects.for_partnership(partnership).filter(referring_member=member).count()


def referrer_filter_choices(*, partnership: Partnership) -> list[tuple[str, str]]:
    """Every member of the partnership, including those no longer active: their leads remain."""
    members = (
        Member.objects.for_partnership(partnership)
        .order_by("display_name", "pk")
        .values_list("pk", "display_name", "is_active")
    )
    return [
        (str(pk), name if is_active else f"{name} (inactive)") for pk, name, is_active in members
    ]


def get_lead(*, partnership: Partnership, pk) -> Lead:
    """A lead of this partnership with its referrer and opt-out state; any other id is a 404."""
    return get_for_partnership_or_404(
        Lead.objects.select_related("referring_member").annotate(is_opted_out=is_opted_out()),
        partnership,
        pk=pk,
    )


def lead_suppression(lead: Lead) -> Suppression | None:
    """The suppression row that opted this lead out, for its date and reason."""
    return (
        Suppression.objects.filter(partnership_id=lead.partnership_id)
        .filter(Exact(Lower("email"), lead.email.lower()))
        .first()
    )


# --- A lead's timeline ------------------------------------------------------------------------

# Colour of an email's status badge: delivered and further is good, refusals are bad.
EMAIL_STATUS_TONE = {
    OutboxMessage.Status.QUEUED: "neutral",
    OutboxMessage.Status.SENT: "info",
    OutboxMessage.Status.DELIVERED: "ok",
    OutboxMessage.Status.OPENED: "ok",
    OutboxMessage.Status.CLICKED: "ok",
    OutboxMessage.Status.BOUNCED: "bad",
    OutboxMessage.Status.REJECTED: "bad",
    OutboxMessage.Status.COMPLAINED: "bad",
    OutboxMessage.Status.FAILED: "bad",
    OutboxMessage.Status.SUPPRESSED: "bad",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a lead. `template` renders `item` (the row it came from)."""

    at: datetime.datetime
    kind: str  # short key, also the CSS modifier: submission, email, inquiry, response, audit
    label: str  # what the badge says: "Form", "Email", …
    title: str
    template: str
    item: object = None
    status: str = ""
    tone: str = "neutral"  # neutral, info, ok, warn, bad
    # Breaks ties between entries of the same moment: higher counts as later (the email after
    # the form that caused it).
    order: int = 0


def _submission_entries(lead: Lead) -> Iterable[TimelineEntry]:
    submissions = Submission.objects.filter(
        partnership_id=lead.partnership_id, lead=lead
    ).select_related("named_referrer")
    for submission in submissions:
        yield TimelineEntry(
            at=submission.created_at,
            kind="submission",
            label="Form",
            title=f"{submission.get_form_display()} submitted",
            template="leads/_lead_event_submission.html",
            item=submission,
            order=0,
        )


def _email_entries(lead: Lead) -> Iterable[TimelineEntry]:
    messages = (
        OutboxMessage.objects.filter(
            partnership_id=lead.partnership_id,
            content_type__app_label=Lead._meta.app_label,
            content_type__model=Lead._meta.model_name,
            object_id=lead.pk,
        )
        .annotate(event_count=Count("events"))
        .defer("body_text", "body_html", "headers", "last_error")
    )
    for message in messages:
        yield TimelineEntry(
            at=message.created_at,
            kind="email",
            label="Email",
            title=message.subject,
            template="leads/_lead_event_email.html",
            item=message,
            status=message.get_status_display(),
            tone=EMAIL_STATUS_TONE.get(message.status, "neutral"),
            order=1,
        )


def _inquiry_state(inquiry: Inquiry, now: datetime.datetime) -> tuple[str, str]:
    if inquiry.responded_at is not None:
        if inquiry.responded_at <= inquiry.due_at:
            return "Answered in time", "ok"
        return "Answered late", "warn"
    if inquiry.due_at < now:
        return "Overdue", "bad"
    return "Awaiting reply", "info"


def _inquiry_entries(lead: Lead) -> Iterable[TimelineEntry]:
    now = timezone.now()
    inquiries = Inquiry.objects.filter(
        partnership_id=lead.partnership_id, lead=lead
    ).select_related("member")
    for inquiry in inquiries:
        status, tone = _inquiry_state(inquiry, now)
        yield TimelineEntry(
            at=inquiry.created_at,
            kind="inquiry",
            label="Inquiry",
            title=f"Expressed interest in {inquiry.member.display_name}",
            template="leads/_lead_event_inquiry.html",
            item=inquiry,
            status=status,
            tone=tone,
            order=0,
        )


def _response_entries(lead: Lead) -> Iterable[TimelineEntry]:
    responses = InquiryResponse.objects.filter(
        partnership_id=lead.partnership_id, inquiry__lead=lead
    ).select_related("member")
    for response in responses:
        yield TimelineEntry(
            at=response.created_at,
            kind="response",
            label="Reply" if response.kind == InquiryResponse.Kind.REPLY else "Acknowledged",
            title=f"{response.member.display_name} answered the inquiry",
            template="leads/_lead_event_response.html",
            item=response,
            order=0,
        )


AUDIT_TITLES = {
    "lead.reassigned": "Lead reassigned",
}


def _audit_entries(lead: Lead) -> Iterable[TimelineEntry]:
    events = AuditEvent.objects.filter(
        partnership_id=lead.partnership_id,
        target_type=Lead._meta.label_lower,
        target_id=lead.pk,
    ).select_related("actor")
    for event in events:
        yield TimelineEntry(
            at=event.created_at,
            kind="audit",
            label="Change",
            title=AUDIT_TITLES.get(event.action, event.action),
            template="leads/_lead_event_audit.html",
            item=event,
            order=2,
        )


# One function per source, each one query. Apps that depend on leads (outreach, …) append their
# own source here from their AppConfig.ready(), with a partial template of their own.
TIMELINE_SOURCES: list[Callable[[Lead], Iterable[TimelineEntry]]] = [
    _submission_entries,
    _email_entries,
    _inquiry_entries,
    _response_entries,
    _audit_entries,
]


def lead_timeline(lead: Lead) -> list[TimelineEntry]:
    """Everything that happened to the lead, newest first."""
    entries = [entry for source in TIMELINE_SOURCES for entry in source(lead)]
    return sorted(entries, key=lambda e: (e.at, e.order), reverse=True)


# --- Response-time compliance -------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's continuous median; works on numbers and on intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def format_duration(duration: datetime.timedelta | None) -> str:
    """16 h, 2 h 5 min, 45 min: how long members take to answer, readable at a glance."""
    if duration is None:
        return "\u2014"
    minutes = round(duration.total_seconds() / 60)
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@dataclass(frozen=True)
class ComplianceRow:
    member_id: int
    member_name: str
    received: int
    on_time: int
    answered_late: int
    open: int
    overdue: int
    median_response: datetime.timedelta | None

    @property
    def decided(self) -> int:
        """Inquiries whose outcome is known: answered, or past the deadline unanswered."""
        return self.received - self.open

    @property
    def share_on_time(self) -> int | None:
        """Share of decided inquiries answered in time; None while every one is still open."""
        return round(100 * self.on_time / self.decided) if self.decided else None

    @property
    def median_label(self) -> str:
        return format_duration(self.median_response)

    @property
    def tone(self) -> str:
        if self.share_on_time is None:
            return "neutral"
        if self.overdue or self.share_on_time < 80:
            return "bad"
        return "ok" if self.share_on_time == 100 else "warn"


def response_compliance(
    *, partnership: Partnership, start: datetime.date, end: datetime.date
) -> list[ComplianceRow]:
    """Per member, the inquiries received from `start` to `end` (inclusive, partnership time)
    and how they were answered. Worst share on time first; members without inquiries omitted.
    One query."""
    # policy: reply to a prospect inquiry within 24 hours (the deadline is stored as due_at).
    now = timezone.now()
    answered = Q(responded_at__isnull=False)
    rows = (
        Inquiry.objects.for_partnership(partnership)
        .filter(
            created_at__gte=_start_of_day(start),
            created_at__lt=_start_of_day(end + datetime.timedelta(days=1)),
        )
        .values("member_id", "member__display_name")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=answered & Q(responded_at__lte=F("due_at"))),
            answered_late=Count("pk", filter=answered & Q(responded_at__gt=F("due_at"))),
            open=Count("pk", filter=Q(responded_at__isnull=True, due_at__gte=now)),
            overdue=Count("pk", filter=Q(responded_at__isnull=True, due_at__lt=now)),
            median_response=Median(
                ExpressionWrapper(
                    F("responded_at") - F("created_at"), output_field=DurationField()
                ),
                output_field=DurationField(),
            ),
            share=ExpressionWrapper(
                Cast(F("on_time"), FloatField()) / NullIf(F("received") - F("open"), 0),
                output_field=FloatField(),
            ),
        )
        .order_by("share", "-overdue", "member__display_name", "member_id")
    )
    return [
        ComplianceRow(
            member_id=row["member_id"],
            member_name=row["member__display_name"],
            received=row["received"],
            on_time=row["on_time"],
            answered_late=row["answered_late"],
            open=row["open"],
            overdue=row["overdue"],
            median_response=row["median_response"],
        )
        for row in rows
    ]
