"""The member's individualized email to a lead (an attempt like any other) and the member's own
message templates. policy: communication is personalized, never generic."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from leads.models import Lead
from members.models import Member
from outreach.models import (
    Attempt,
    Channel,
    Template,
)
from outreach.selectors.policy import PairState
from outreach.services import OutreachRefused
from outreach.services.attempts import make_attempt
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email

MESSAGE_TEMPLATE = "outreach/message"


def check_personal(*, member: Member, body: str, template: Template | None = None) -> None:
    """policy: communication is personalized by the member, never generic, and opens with the
    partnership's statement completed by the member's own specialization."""
    if not member.specialization.strip():
        raise OutreachRefused(
            "Write your specialization statement on your profile first: every message opens "
            "with the partnership's introductory statement, which ends with it."
        )
    if not body.strip():
        raise OutreachRefused("Write your own message to the lead before sending.")
    if template is not None and _words(body) == _words(template.body):
        raise OutreachRefused(
            f"Make it personal: the message is still the text of your template "
            f"\u201c{template.name}\u201d. Write something for this lead and their stage."
        )


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def message_context(*, member: Member, lead: Lead, subject: str, body: str) -> dict:
    """What the outreach email templates render: also used for the exact preview."""
    return {"member": member, "lead": lead, "subject": subject.strip(), "body": body.strip()}


def send_message(
    *,
    member: Member,
    lead: Lead,
    subject: str,
    body: str,
    template: Template | None = None,
    actor,
) -> Attempt:
    """An individualized email from the member, wrapped by the system in the acknowledgement,
    the introductory statement, the signature with the seal and website, and the opt-out."""
    check_personal(member=member, body=body, template=template)
    if not subject.strip():
        raise OutreachRefused("Give your message a subject.")

    def send(state: PairState) -> OutboxMessage:
        return queue_email(
            partnership=lead.partnership,
            key=f"outreach:message:{lead.pk}:{member.pk}:{uuid.uuid4().hex}",
            template=MESSAGE_TEMPLATE,
            to=lead.email,
            context=message_context(member=member, lead=lead, subject=subject, body=body),
            sender_name=member.display_name,
            reply_to=member.email,
            about=lead,
        )

    return make_attempt(
        member=member, lead=lead, channel=Channel.PORTAL_EMAIL, note=subject, send=send, actor=actor
    )


def save_template(
    *, member: Member, name: str, subject: str, body: str, stages: list[str], template=None
) -> Template:
    """Create or change one of the member's own templates (names are unique per member)."""
    if template is not None and template.member_id != member.pk:
        raise OutreachRefused("You can only change your own templates.")
    template = template or Template(partnership_id=member.partnership_id, member=member)
    template.name, template.subject, template.body = name.strip(), subject.strip(), body.strip()
    template.stages = list(dict.fromkeys(stages))
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise OutreachRefused(f"You already have a template named \u201c{name}\u201d.") from exc
    return template


def delete_template(*, member: Member, template: Template) -> None:
    if template.member_id != member.pk:
        raise OutreachRefused("You can only delete your own templates.")
    template.delete()
