"""The satisfaction survey behind the seed's model (5.4): "a survey could quantify C, Q, and V on a
scale of 1-10 … Statistical regression techniques can then be used to refine the model".

A member emails a client a signed, expiring link (`advocates.tokens`) to a public page on the
partnership's host where they rate communication frequency C, service quality Q, perceived
value V and overall satisfaction S, 1-10, plus a comment, once. The member's page fits
S = aC + bQ + gV over their answered surveys (`advocates.stats.fit_satisfaction`) once there are
`MIN_RESPONSES` of them.

The survey goes to the member's own client, not to a lead: it is not outreach and carries no
opt-out, but an address on the partnership's suppression list (opted out, bounced, marked as
spam) gets no survey either: the member is told why and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import cast

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from advocates import stats
from advocates.models import Contact, InteractionKind, Survey
from advocates.services import AdvocatesRefused
from advocates.services.contacts import record_interaction
from advocates.tokens import SURVEY_LINK_DAYS, read_survey_token, survey_url
from members.models import Member
from pinnacle.mail.services import MailRefused, find_suppression, queue_email
from pinnacle.models import Partnership
from pinnacle.once import just_made
from pinnacle.text import bounded_text

SURVEY_TEMPLATE = "advocates/survey"
# Below this many answered surveys the page does not fit the model: with three coefficients, a
# handful of answers fits almost anything and the weights it reports would mean little.
MIN_RESPONSES = 10
COMMENT_MAX_LENGTH = 2000
SCALE = range(1, 11)
CONTACT_SURVEYS_SHOWN = 10  # the newest, on the contact's page


def clean_text(value, *, what: str, max_length: int, multiline: bool = True) -> str:
    """Trimmed text without control characters (newlines and tabs allowed in multi-line text),
    at most `max_length` characters; refuses with a sentence naming `what`."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise AdvocatesRefused(f"{what} contains control characters; remove them.")
    return bounded_text(
        text,
        max_length=max_length,
        too_long=lambda _: AdvocatesRefused(
            f"{what} is too long: keep it under {max_length:,} characters."
        ),
    )


def _recipient(*, owner: Member, name: str, email: str, contact: Contact | None) -> tuple[str, str]:
    """The survey's name and address, cleaned; refused when either is missing or invalid, the
    contact is not the member's, or the address is on the partnership's do-not-email list."""
    name = clean_text(name, what="The name", max_length=120, multiline=False)
    if not name:
        raise AdvocatesRefused("Enter the client's name.")
    email = clean_text(email, what="The email address", max_length=254, multiline=False).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AdvocatesRefused("Enter a valid email address.") from exc
    if contact is not None and (
        contact.owner_id != owner.pk or contact.partnership_id != owner.partnership_id
    ):
        raise AdvocatesRefused("You can send a survey only to your own contacts.")
    partnership = owner.partnership
    if found := find_suppression(partnership=partnership, email=email):
        raise AdvocatesRefused(
            f"{email} is on {partnership.name}'s do-not-email list "
            f"({found.get_reason_display().lower()}), so no survey was sent."
        )
    return name, email


@transaction.atomic
def send_survey(
    *, owner: Member, name: str, email: str, contact: Contact | None = None, actor=None
) -> Survey:
    """Email `name` at `email` a link to the satisfaction survey, from the member (their name,
    Reply-To their address). For a contact of the member's circle the email is logged on the
    contact. A second send to the same address within the double-submit window returns the first."""
    name, email = _recipient(owner=owner, name=name, email=email, contact=contact)
    partnership = owner.partnership
    # The member's row serialises their sends: a double click waits, then finds the first.
    Member.objects.select_for_update().filter(pk=owner.pk).first()
    now = timezone.now()
    if recent := just_made(
        Survey.objects.for_partnership(owner.partnership),
        made_at="sent_at",
        owner=owner,
        email=email,
    ):
        return recent
    survey = Survey.objects.create(
        partnership_id=owner.partnership_id, owner=owner, contact=contact, name=name, email=email
    )
    valid_until = partnership.localtime(now) + dt.timedelta(days=SURVEY_LINK_DAYS)
    try:
        message = queue_email(
            partnership=partnership,
            key=f"advocates-survey:{survey.pk}",
            template=SURVEY_TEMPLATE,
            to=email,
            context={
                "partnership": partnership,
                "member": owner,
                "client_name": name,
                "survey_url": survey_url(survey),
                "valid_days": SURVEY_LINK_DAYS,
                "valid_until": valid_until,
            },
            sender_name=owner.display_name,
            reply_to=owner.email,
            about=survey,
        )
    except MailRefused as refusal:
        raise AdvocatesRefused(str(refusal)) from refusal
    survey.message = message
    survey.save(update_fields=["message"])
    if contact is not None:
        record_interaction(
            contact=contact,
            kind=InteractionKind.EMAIL,
            summary="Satisfaction survey sent",
            message=message,
            actor=actor,
        )
    return survey


def survey_for_token(partnership: Partnership, token: str) -> Survey | None:
    """The survey a link opens on this partnership's host, or None: forged, expired, or made
    for another partnership's client."""
    try:
        found = read_survey_token(token)
    except signing.BadSignature:
        return None
    if found.partnership_id != partnership.pk:
        return None
    return (
        Survey.objects.for_partnership(partnership)
        .select_related("owner")
        .filter(pk=found.survey_id)
        .first()
    )


def _score(value, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise AdvocatesRefused(f"Rate {what} from 1 to 10.") from exc
    if number not in SCALE or str(number) != str(value).strip():
        raise AdvocatesRefused(f"Rate {what} from 1 to 10.")
    return number


@transaction.atomic
def answer_survey(
    *, survey: Survey, communication, quality, value, satisfaction, comment: str = ""
) -> bool:
    """Store the client's answers, once: True when stored now, False when the survey was
    already answered (a second submit, another tab) and nothing changed."""
    answers = {
        "communication": _score(communication, "how often we communicated"),
        "quality": _score(quality, "the quality of the service"),
        "value": _score(value, "the value you received"),
        "satisfaction": _score(satisfaction, "your overall satisfaction"),
    }
    comment = clean_text(comment, what="The comment", max_length=COMMENT_MAX_LENGTH)
    stored = Survey.objects.filter(
        partnership_id=survey.partnership_id, pk=survey.pk, answered_at__isnull=True
    ).update(answered_at=timezone.now(), comment=comment, **answers)
    return stored == 1


# --- Reads --------------------------------------------------------------------------------------


def surveys_of(member: Member) -> QuerySet[Survey]:
    return Survey.objects.for_partnership(member.partnership).filter(owner=member)


def answered(rows: QuerySet[Survey]) -> QuerySet[Survey]:
    return rows.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")


@dataclass
class SatisfactionModel:
    sent: int
    answered: int
    fit: stats.Fit | None = None
    needed: int = 0  # more answers needed before fitting
    not_varied: str = ""  # why the answers cannot be fitted

    @property
    def min_responses(self) -> int:
        return MIN_RESPONSES


def satisfaction_model(rows: QuerySet[Survey]) -> SatisfactionModel:
    """Counts and the fit of S = aC + bQ + gV over the answered surveys in `rows` (two
    queries; the fit only from `MIN_RESPONSES` answers)."""
    counts = rows.aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    model = SatisfactionModel(counts["sent"], counts["answered"])
    if model.answered < MIN_RESPONSES:
        model.needed = MIN_RESPONSES - model.answered
        return model
    data = rows.filter(answered_at__isnull=False).values_list(
        "communication", "quality", "value", "satisfaction"
    )
    # An answered survey has all four ratings (the `answered_survey_complete` constraint).
    rows_answered = cast("list[tuple[int, int, int, int]]", list(data))
    try:
        model.fit = stats.fit_satisfaction(rows_answered)
    except stats.NotEnoughVariation as reason:
        model.not_varied = str(reason)
    return model
