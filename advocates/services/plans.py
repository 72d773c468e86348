"""The appreciation plans (seed 5.3, "The 33-Touch System"): a partnership's plan templates,
leadership's edits, and enrolling a contact (its dated touches). Doing the touches and the
morning digest are in `advocates.services.touches`.

The plans are templates leadership edits; enrolment copies the steps into dated `Touch` rows, so
an edit changes new enrolments only and existing touches keep their dates. Enrolment arms the
member's digest clock (`CircleSettings.next_digest_at`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from advocates.models import (
    CircleSettings,
    Contact,
    DateAnchor,
    Enrollment,
    PlanKind,
    PlanStep,
    PlanTemplate,
    Touch,
    TouchKind,
)
from advocates.services import AdvocatesRefused
from advocates.services.overview import circles_changed
from advocates.services.plan_calendar import touch_dates
from members.models import Member
from pinnacle.models import Partnership

YEARLY_TOUCHES = 33  # seed 5.3: "The 33-Touch System"
NEW_CONTACT_TOUCHES = 8  # eight touches in eight weeks for a new contact
PLAN_LENGTH: dict[str, int] = {PlanKind.YEARLY: 365, PlanKind.EIGHT_BY_EIGHT: 56}
PLAN_SIZE: dict[str, int] = {
    PlanKind.YEARLY: YEARLY_TOUCHES,
    PlanKind.EIGHT_BY_EIGHT: NEW_CONTACT_TOUCHES,
}
PLAN_NAME: dict[str, str] = {
    PlanKind.YEARLY: "33-touch yearly plan",
    PlanKind.EIGHT_BY_EIGHT: "8 touches in 8 weeks (new contacts)",
}
DIGEST_HOUR = 7  # the digest reaches the member at 07:00 in the partnership's zone
# Touches that are not written: they cannot be sent as an email.
NEVER_EMAIL = {TouchKind.PHONE_CALL, TouchKind.HANDWRITTEN_NOTE, TouchKind.GIFT}


# --- The default plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    kind: str
    title: str
    day: int
    anchor: str = DateAnchor.NONE
    is_email: bool = False


def _yearly_steps() -> list[StepSpec]:
    steps = [
        StepSpec(TouchKind.MARKET_UPDATE, f"Monthly market update ({n + 1} of 12)", d, "", True)
        for n, d in enumerate([0, 30, 61, 91, 122, 152, 183, 213, 244, 274, 305, 335])
    ]
    # seed 5.3: "Valuable content: Real estate advice, market updates, and relevant industry news"
    steps += [
        StepSpec(TouchKind.VALUE_PIECE, title, d, "", True)
        for title, d in [
            ("Real-estate advice: home maintenance checklist", 45),
            ("Industry news: what changed this quarter", 137),
            ("Real-estate advice: is now the time to refinance?", 228),
            ("Industry news: the year ahead", 320),
        ]
    ]
    # Holidays fall on the calendar, whenever the plan started (the day is the fallback).
    steps += [
        StepSpec(TouchKind.HOLIDAY, title, d, anchor)
        for title, d, anchor in [
            ("Holiday card: happy New Year", 33, DateAnchor.NEW_YEAR),
            (
                "Holiday touch: Fourth of July pie or flag drop-off",
                215,
                DateAnchor.INDEPENDENCE_DAY,
            ),
            ("Holiday card: Thanksgiving gratitude", 322, DateAnchor.THANKSGIVING),
            ("Holiday card: season's greetings", 345, DateAnchor.SEASONS_GREETINGS),
        ]
    ]
    steps += [
        StepSpec(TouchKind.PERSONAL_DATE, "Birthday card", 105, DateAnchor.BIRTHDAY),
        StepSpec(
            TouchKind.PERSONAL_DATE, "Home anniversary note", 196, DateAnchor.HOME_ANNIVERSARY
        ),
        StepSpec(TouchKind.PERSONAL_DATE, "Closing anniversary", 150),
        StepSpec(TouchKind.PERSONAL_DATE, "Family milestone note", 290),
    ]
    # seed 5.3: "Personalized communication: Tailored emails, handwritten notes, and phone calls"
    steps += [
        StepSpec(TouchKind.PHONE_CALL, f"Check-in phone call ({n + 1} of 8)", d)
        for n, d in enumerate([14, 59, 106, 142, 188, 236, 282, 327])
    ]
    # seed 5.3: "Event invitations: Invites to seminars, workshops, or client appreciation parties"
    steps.append(StepSpec(TouchKind.CLIENT_EVENT, "Client appreciation event invitation", 250))
    return steps


def _new_contact_steps() -> list[StepSpec]:
    return [
        StepSpec(TouchKind.PHONE_CALL, "Welcome call: thank them for connecting", 0),
        StepSpec(TouchKind.HANDWRITTEN_NOTE, "Handwritten thank-you note", 7),
        StepSpec(TouchKind.TAILORED_EMAIL, "Email: my trusted local resources", 14, "", True),
        StepSpec(TouchKind.VALUE_PIECE, "Real-estate advice worth keeping", 21, "", True),
        StepSpec(TouchKind.PHONE_CALL, "Phone call: how can I help?", 28),
        StepSpec(TouchKind.GIFT, "Small appreciation gift (gift card or coffee)", 35),
        StepSpec(TouchKind.MARKET_UPDATE, "Your neighbourhood's market update", 42, "", True),
        StepSpec(TouchKind.CLIENT_EVENT, "Invitation to the next client event", 49),
    ]


def default_steps(kind: str) -> list[StepSpec]:
    """The seeded steps of a plan: the yearly plan's 33 (12 market updates, 4 value pieces,
    4 holidays, 4 personal dates, 8 calls, 1 event), or the new contact's 8 in 8 weeks."""
    if kind == PlanKind.YEARLY:
        return _yearly_steps()
    if kind == PlanKind.EIGHT_BY_EIGHT:
        return _new_contact_steps()
    raise ValueError(f"Unknown plan kind: {kind!r}")


def start_partnership_plans(partnership: Partnership) -> None:
    """The 33-touch yearly plan and the new contacts' 8-in-8 exist from the partnership's first
    moment, whoever creates it (admin, seed_demo, the shell): `create_partnership` runs this in
    its transaction."""
    ensure_templates(partnership)


def ensure_templates(partnership: Partnership) -> dict[str, PlanTemplate]:
    """Both plans of the partnership, created with their default steps when missing. Safe to
    call twice at once: the unique kind per partnership decides."""
    found = {t.kind: t for t in PlanTemplate.objects.for_partnership(partnership).order_by("pk")}
    for kind in PlanKind.values:
        if kind in found:
            continue
        try:
            with transaction.atomic():
                template = PlanTemplate.objects.create(
                    partnership_id=partnership.pk,
                    kind=kind,
                    name=PLAN_NAME[kind],
                    length_days=PLAN_LENGTH[kind],
                )
                PlanStep.objects.bulk_create(
                    PlanStep(
                        partnership_id=partnership.pk,
                        template=template,
                        kind=s.kind,
                        title=s.title,
                        day=s.day,
                        anchor=s.anchor,
                        is_email=s.is_email,
                    )
                    for s in default_steps(kind)
                )
        except IntegrityError:
            template = PlanTemplate.objects.for_partnership(partnership).get(kind=kind)
        found[kind] = template
    return found


def template_for(partnership: Partnership, kind: str) -> PlanTemplate:
    if kind not in PlanKind.values:
        raise AdvocatesRefused("Choose one of the plans.")
    return ensure_templates(partnership)[kind]


# --- Leadership edits a plan ------------------------------------------------------------------


def validate_steps(template: PlanTemplate, rows: list[dict]) -> list[dict]:
    """Each row: `id` (one of the template's steps, each once), `kind`, `title`, `day`, `anchor`,
    `is_email`. The plan keeps its number of steps: an edit changes steps, never their count."""
    ids = [row.get("id") for row in rows]
    existing = set(template.steps.values_list("pk", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != existing:
        raise AdvocatesRefused(
            f"The {template.name} keeps its {len(existing)} steps: change them, "
            "do not add or remove any."
        )
    cleaned = []
    for row in rows:
        title = (row.get("title") or "").strip()
        kind, anchor, day = row.get("kind"), row.get("anchor") or "", row.get("day")
        label = title or "A step"
        if not title:
            raise AdvocatesRefused("Every step needs a title.")
        if len(title) > 160:
            raise AdvocatesRefused(f"“{title[:40]}…”: keep a step's title under 160 characters.")
        if kind not in TouchKind.values:
            raise AdvocatesRefused(f"{label}: choose what kind of touch it is.")
        if anchor not in DateAnchor.values:
            raise AdvocatesRefused(
                f"{label}: choose the step's day, one of the contact's dates or a holiday."
            )
        if not isinstance(day, int) or not 0 <= day < template.length_days:
            raise AdvocatesRefused(
                f"{label}: the day must be between 0 and {template.length_days - 1}."
            )
        is_email = bool(row.get("is_email"))
        if is_email and kind in NEVER_EMAIL:
            raise AdvocatesRefused(
                f"{label}: a {TouchKind(kind).label.lower()} cannot be sent as an email."
            )
        cleaned.append(
            {
                "id": row["id"],
                "kind": kind,
                "title": title,
                "day": day,
                "anchor": anchor,
                "is_email": is_email,
            }
        )
    return cleaned


@transaction.atomic
def update_template(*, template: PlanTemplate, steps: list[dict], member: Member) -> PlanTemplate:
    """Leadership changes the plan's steps in place (all or nothing). Enrolments made later use
    the new steps; touches already dated keep their dates."""
    if not member.is_leadership or member.partnership_id != template.partnership_id:
        raise AdvocatesRefused("Only the partnership's leadership edits the plans.")
    template = PlanTemplate.objects.select_for_update().get(pk=template.pk)
    cleaned = validate_steps(template, steps)
    rows = {step.pk: step for step in template.steps.all()}
    changed = []
    for row in cleaned:
        step = rows[row["id"]]
        for field in ("kind", "title", "day", "anchor", "is_email"):
            setattr(step, field, row[field])
        changed.append(step)
    PlanStep.objects.bulk_update(changed, ["kind", "title", "day", "anchor", "is_email"])
    template.updated_by = member.user
    template.save(update_fields=["updated_by", "updated_at"])
    return template


# --- Enrolment ---------------------------------------------------------------------------------


def next_morning(partnership: Partnership, now: dt.datetime) -> dt.datetime:
    """The next 07:00 in the partnership's zone, strictly after `now` (07:00 local across a
    daylight-saving change)."""
    local = timezone.localtime(now, partnership.tzinfo)
    day = local.date() if local.hour < DIGEST_HOUR else local.date() + dt.timedelta(days=1)
    return local_at(partnership, day, DIGEST_HOUR)


def local_at(partnership: Partnership, day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=partnership.tzinfo)


def _arm_digest(member: Member, at: dt.datetime) -> None:
    """The member's digest is due at `at`, unless it is due earlier already."""
    try:
        with transaction.atomic():
            CircleSettings.objects.get_or_create(
                partnership_id=member.partnership_id, member=member
            )
    except IntegrityError:
        pass  # created a moment ago by a concurrent request
    CircleSettings.objects.for_partnership(member.partnership).filter(member=member).filter(
        Q(next_digest_at__isnull=True) | Q(next_digest_at__gt=at)
    ).update(next_digest_at=at)


def _make_room(*, contact: Contact, template, starts_on: dt.date, now: dt.datetime) -> None:
    """Refuse a start whose plan would be over already or is more than a year away, and one
    while the contact's live enrolment in the plan runs or overlaps it; a finished one is closed
    so the new enrolment renews it. The caller holds the contact's lock."""
    partnership = contact.partnership
    kind = template.kind
    today = partnership.today()
    length = template.length_days
    if starts_on < today - dt.timedelta(days=length - 1):
        raise AdvocatesRefused(
            f"A {template.name} starting on {starts_on:%b %-d, %Y} would be over already; "
            "choose a later start."
        )
    if starts_on > today + dt.timedelta(days=365):
        raise AdvocatesRefused("Start the plan within the next year.")
    live = (
        Enrollment.objects.for_partnership(partnership)
        .filter(contact=contact, kind=kind, closed_at__isnull=True)
        .first()
    )
    if live is not None:
        if live.ends_on >= today:
            raise AdvocatesRefused(
                f"{contact.name} is already on the {template.name} until "
                f"{live.ends_on:%b %-d, %Y}; renew it after it ends."
            )
        if starts_on <= live.ends_on:
            raise AdvocatesRefused(
                f"Renew the {template.name} from {live.ends_on + dt.timedelta(days=1):%b %-d, %Y}"
                ", after the last one ended."
            )
        # The finished plan is closed; its touches stay for its completion rate.
        Enrollment.objects.filter(pk=live.pk).update(closed_at=now)


@transaction.atomic
def enroll(*, contact: Contact, kind: str, starts_on: dt.date, actor=None) -> Enrollment:
    """Put a contact on a plan from `starts_on`: one dated touch per step. One live enrolment
    per contact and plan (the contact's row is locked, so a double click enrols once); a
    finished plan is renewed by a new enrolment starting after its end."""
    partnership = contact.partnership
    template = template_for(partnership, kind)
    contact = Contact.objects.select_for_update().select_related("owner").get(pk=contact.pk)
    now = timezone.now()
    _make_room(contact=contact, template=template, starts_on=starts_on, now=now)
    ends_on = starts_on + dt.timedelta(days=template.length_days - 1)
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                partnership=partnership,
                contact=contact,
                owner_id=contact.owner_id,
                template=template,
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        raise AdvocatesRefused(f"{contact.name} is already on the {template.name}.") from exc
    steps = list(template.steps.all())
    Touch.objects.bulk_create(
        Touch(
            partnership=partnership,
            enrollment=enrollment,
            contact=contact,
            owner_id=contact.owner_id,
            kind=step.kind,
            title=step.title,
            is_email=step.is_email,
            due_on=due,
        )
        for step, due in zip(steps, touch_dates(steps, contact, starts_on, ends_on), strict=True)
    )
    circles_changed(partnership.pk)
    _arm_digest(contact.owner, next_morning(partnership, now))
    return enrollment


@transaction.atomic
def cancel_enrollment(*, enrollment: Enrollment, actor=None) -> int:
    """Take a contact off a plan: pending touches are deleted, done ones kept (they are in the
    communication log). Returns how many pending touches went."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.closed_at is not None:
        raise AdvocatesRefused("This enrolment has already ended.")
    enrollment.closed_at = timezone.now()
    enrollment.save(update_fields=["closed_at"])
    deleted, _ = enrollment.touches.filter(done_at__isnull=True).delete()
    circles_changed(enrollment.partnership_id)
    return deleted
