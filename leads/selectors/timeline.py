"""A lead's timeline: what happened to the lead, from leads itself and every app that registers a
source in leads.extensions. Each source is one query and receives the viewer. What a
transaction's team wrote is sealed by the confidentiality rules the transactions app registers
(`extensions.confidentiality()`), read once for the whole timeline (`sealing`) and passed to
every source; without them the timeline refuses to show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from leads import extensions
from leads.extensions import Sealing, TimelineEntry, hide_sealed_text, newest_first
from leads.models import Inquiry, InquiryResponse, InquiryState, Lead, Submission
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.memo import page_memo
from pinnacle.models import AuditEvent

INQUIRY_STATE_TONE = {
    InquiryState.AWAITING: "info",
    InquiryState.OVERDUE: "bad",
    InquiryState.IN_TIME: "ok",
    InquiryState.LATE: "warn",
}


def _submission_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    """The forms; the message of one written to a member (its inquiry's) is sealed like the
    inquiry's."""
    submissions = newest_first(
        Submission.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="inquiry__member", at="created_at"))
        .select_related("named_referrer"),
        "created_at",
        newest,
    )
    for submission in submissions:
        hide_sealed_text(submission, "message")
        yield TimelineEntry(
            at=submission.created_at,
            kind="submission",
            label="Form",
            title=f"{submission.get_form_display()} submitted",
            template="leads/_lead_event_submission.html",
            item=submission,
            order=0,
        )


def _about(model) -> Q:
    # By the content type's id (cached by ContentType's manager), not a join on its app label
    # and model: the planner then reaches the lead's emails through the outbox's
    # (partnership, content_type, object_id) index instead of reading the whole outbox.
    return Q(content_type_id=ContentType.objects.get_for_model(model).pk)


def lead_emails(lead: Lead, viewer: Member, sealing: Sealing) -> QuerySet[OutboxMessage]:
    """The emails about the lead, and about the lead's transactions the viewer works on (one
    query). An email sent with a transaction's template shows only to those who work on one of
    the lead's transactions, even when it was filed against the lead. The subject of one a
    team member wrote from the opening is sealed (`email_sealed`): the email shows, not what
    it is about."""
    rules = extensions.confidentiality()
    worked = list(rules.worked_transaction_ids(lead, viewer))
    about = _about(Lead) & Q(object_id=lead.pk)
    if worked:
        about |= _about(rules.transaction_model) & Q(object_id__in=worked)
    else:
        for prefix in rules.templates:
            about &= ~Q(template__startswith=prefix)
    return (
        OutboxMessage.objects.for_partnership(lead.partnership)
        .filter(about)
        .annotate(event_count=Count("events"), sealed=sealing.email_sealed())
        .defer("body_text", "body_html", "headers", "last_error")
    )


def _email_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    messages = newest_first(lead_emails(lead, viewer, sealing), "created_at", newest)
    for message in messages:
        hide_sealed_text(message, "subject")
        # Annotated by lead_emails; the stubs lose annotations through its QuerySet[...].
        sealed = message.sealed  # type: ignore[attr-defined]
        yield TimelineEntry(
            at=message.created_at,
            kind="email",
            label="Email",
            title=f"Email from {message.sender_name}" if sealed else message.subject,
            template="leads/_lead_event_email.html",
            item=message,
            status=message.get_status_display(),
            tone=message.status_tone,
            order=1,
        )


def _inquiry_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    """The customer's inquiries; the message of one to a member of a transaction's team is
    sealed from its opening (`free_text_sealed`, of `extensions.confidentiality()`)."""
    now = timezone.now()
    inquiries = newest_first(
        Inquiry.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="created_at"))
        .select_related("member"),
        "created_at",
        newest,
    )
    for inquiry in inquiries:
        hide_sealed_text(inquiry, "message")
        state = inquiry.state(now)
        yield TimelineEntry(
            at=inquiry.created_at,
            kind="inquiry",
            label="Inquiry",
            title=f"Expressed interest in {inquiry.addressee}"
            if inquiry.submission_id is None
            else f"Wrote to {inquiry.addressee} through the online form",
            template="leads/_lead_event_inquiry.html",
            item=inquiry,
            status=state.label,
            tone=INQUIRY_STATE_TONE[state],
            order=0,
        )


def _response_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    """Members' answers to the inquiries; a team member's is sealed from the opening."""
    responses = newest_first(
        InquiryResponse.objects.for_partnership(lead.partnership)
        .filter(inquiry__lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="created_at"))
        .select_related("member"),
        "created_at",
        newest,
    )
    for response in responses:
        hide_sealed_text(response, "body")
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
    "lead.reopened": "Open to contact again",
}


def _audit_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    events = newest_first(
        AuditEvent.objects.filter(
            partnership_id=lead.partnership_id,
            target_type=Lead._meta.label_lower,
            target_id=lead.pk,
        ).select_related("actor"),
        "created_at",
        newest,
    )
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


BUILT_IN_SOURCES = [
    _submission_entries,
    _email_entries,
    _inquiry_entries,
    _response_entries,
    _audit_entries,
]


# How many entries the lead's page shows at a time, newest first; "Older entries" shows the
# next ones. A lead with years of emails and calls must not cost its page more than this.
TIMELINE_PAGE_SIZE = 50


def lead_timeline(lead: Lead, viewer: Member, *, newest: int | None = None) -> list[TimelineEntry]:
    """What happened to the lead that `viewer` may see, newest first: the `newest` newest
    entries (None: all of them). One query per source, however long the timeline."""
    sources = [*BUILT_IN_SOURCES, *extensions.timeline_sources]
    # Sources that ask the same question (the lead's transactions) read it once.
    with page_memo():
        sealing = extensions.confidentiality().sealing(lead, viewer)
        entries = [
            entry for source in sources for entry in source(lead, viewer, sealing, newest=newest)
        ]
    # Stable: entries of the same moment and order keep their source's order (its newest row
    # first), so a page's entries are the same whatever the page size asked for.
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries if newest is None else entries[:newest]


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_older: bool


def timeline_page(lead: Lead, viewer: Member, number: int = 1) -> TimelinePage:
    """The `number`th page of the lead's timeline (`TIMELINE_PAGE_SIZE` entries), and whether
    older entries follow: each source reads its newest rows down to the page's end, one more."""
    end = number * TIMELINE_PAGE_SIZE
    entries = lead_timeline(lead, viewer, newest=end + 1)
    return TimelinePage(entries[end - TIMELINE_PAGE_SIZE : end], number, len(entries) > end)
