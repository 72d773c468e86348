"""Outreach use cases. Every attempt, whatever its channel and whoever calls (view, admin, task,
shell), goes through `_attempt`: it locks the member-and-lead pair, asks the policy, and records
the attempt or the refusal in the same transaction, so two concurrent attempts can never both
pass the cap.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import Lead
from members.models import Member
from outreach.models import (
    Attempt,
    CallOutcome,
    Channel,
    DecisionNote,
    LeadReply,
    OutreachPair,
    Recommendation,
    Refusal,
    Template,
)
from outreach.policy import Decision, PairState, pair_state
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from pinnacle.refusals import Refused

MESSAGE_TEMPLATE = "outreach/message"
RECOMMENDATION_TEMPLATE = "outreach/recommendation"


class OutreachRefused(Refused):
    """The policy or the partnership's rules refuse this; the message says why (and `decision`
    says until when), written for the member."""

    def __init__(
        self, explanation: str, decision: Decision | None = None, field: str | None = None
    ):
        super().__init__(explanation, field=field)
        self.decision = decision

    @property
    def next_allowed_at(self):
        return self.decision.next_allowed_at if self.decision else None


def may_attempt(*, member: Member, lead: Lead, channel: str) -> Decision:
    """Whether `member` may make an attempt to reach `lead` on `channel` now, and if not, why
    and from when. A read for pages; the services decide again under the pair's lock."""
    return pair_state(member, lead, timezone.now()).decide(channel)


def _lock_pair(member: Member, lead: Lead) -> OutreachPair:
    """The pair's row, locked until the transaction ends (created on first use)."""
    if member.partnership_id != lead.partnership_id:
        raise OutreachRefused("This lead belongs to another partnership.")
    try:
        with transaction.atomic():
            OutreachPair.objects.get_or_create(
                partnership_id=lead.partnership_id, member=member, lead=lead
            )
    except IntegrityError:
        pass  # created by a concurrent attempt a moment ago
    return OutreachPair.objects.select_for_update().get(
        partnership_id=lead.partnership_id, member=member, lead=lead
    )


def _attempt(
    *,
    member: Member,
    lead: Lead,
    channel: str,
    actor,
    outcome: str = "",
    note: str = "",
    send: Callable[[PairState], OutboxMessage | None] | None = None,
    counts_when_warm: bool = True,
) -> Attempt | None:
    """Lock the pair, ask the policy, then record the attempt (after `send`, in the same
    transaction) or the refusal. Raises OutreachRefused after the refusal is committed."""
    partnership = lead.partnership
    with transaction.atomic():
        pair = _lock_pair(member, lead)
        now = timezone.now()
        state = pair_state(member, lead, now)
        decision = state.decide(channel)
        if not decision.allowed:
            if decision.reason == Refusal.Reason.CEASED and not state.is_ceased:
                pair.ceased_at = now
                pair.save(update_fields=["ceased_at"])
            Refusal.objects.create(
                partnership=partnership,
                member=member,
                lead=lead,
                channel=channel,
                reason=decision.reason,
                explanation=decision.explanation[:300],
                next_allowed_at=decision.next_allowed_at,
                refused_at=now,
            )
        else:
            message = send(state) if send else None
            if not state.is_cold and not counts_when_warm:
                return None
            attempt = Attempt.objects.create(
                partnership=partnership,
                pair=pair,
                member=member,
                lead=lead,
                channel=channel,
                outcome=outcome,
                note=note.strip(),
                message=message,
                was_cold=state.is_cold,
                logged_by=actor if getattr(actor, "is_authenticated", False) else None,
                made_at=now,
            )
            # policy: cease after 8 attempts with no contact made over the window.
            reached = state.attempts_in_window + 1 >= partnership.cease_after_attempts
            if reached and outcome != CallOutcome.SPOKE:
                pair.ceased_at = now
                pair.save(update_fields=["ceased_at"])
            return attempt
    raise OutreachRefused(decision.explanation, decision)


def log_call(*, member: Member, lead: Lead, outcome: str, note: str = "", actor) -> Attempt:
    """A call the member made: no answer, a voicemail left, or they spoke (contact made)."""
    if outcome not in CallOutcome.values:
        raise OutreachRefused("Choose how the call went.")
    return _attempt(
        member=member, lead=lead, channel=Channel.CALL, outcome=outcome, note=note, actor=actor
    )


def log_personal_message(
    *, member: Member, lead: Lead, channel: str, note: str = "", actor
) -> Attempt:
    """An email or text the member sent outside the portal: an attempt all the same."""
    if channel not in (Channel.PERSONAL_EMAIL, Channel.TEXT):
        raise OutreachRefused("Choose whether you sent a personal email or a text.")
    return _attempt(member=member, lead=lead, channel=channel, note=note, actor=actor)


@transaction.atomic
def log_lead_reply(*, member: Member, lead: Lead, note: str = "", actor) -> LeadReply:
    """The lead answered the member outside the portal: contact made (and a cease lifted)."""
    if member.partnership_id != lead.partnership_id:
        raise OutreachRefused("This lead belongs to another partnership.")
    _lock_pair(member, lead)
    return LeadReply.objects.create(
        partnership_id=lead.partnership_id,
        member=member,
        lead=lead,
        note=note.strip(),
        logged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


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

    return _attempt(
        member=member, lead=lead, channel=Channel.PORTAL_EMAIL, note=subject, send=send, actor=actor
    )


def recommend_members(
    *, member: Member, lead: Lead, recommended: list[Member], note: str, actor
) -> Recommendation:
    """Cross-selling: the lead gets an email presenting the recommended members, with their
    profiles and an invitation to review the directory; each recommended member is told. An
    attempt when the lead is cold."""
    recommended = [m for m in recommended if m.pk != member.pk]
    if not recommended:
        raise OutreachRefused("Choose at least one other member to recommend.")
    if any(m.partnership_id != lead.partnership_id or not m.is_in_directory for m in recommended):
        raise OutreachRefused("Recommend members listed in this partnership's directory.")
    check_personal(member=member, body=note)
    partnership = lead.partnership
    made: list[Recommendation] = []

    def send(state: PairState) -> OutboxMessage:
        recommendation = Recommendation.objects.create(
            partnership=partnership, member=member, lead=lead, note=note.strip()
        )
        recommendation.recommended.set(recommended)
        message = queue_email(
            partnership=partnership,
            key=f"outreach:recommendation:{recommendation.pk}",
            template=RECOMMENDATION_TEMPLATE,
            to=lead.email,
            context={
                **message_context(member=member, lead=lead, subject="", body=note),
                "recommended": recommended,
                "directory_url": partnership.absolute_url("/directory/"),
            },
            sender_name=member.display_name,
            reply_to=member.email,
            about=lead,
        )
        recommendation.message = message
        recommendation.save(update_fields=["message"])
        for colleague in recommended:
            queue_email(
                partnership=partnership,
                key=f"outreach:recommendation:{recommendation.pk}:member:{colleague.pk}",
                template="outreach/recommended_notice",
                to=colleague.email,
                context={"member": member, "colleague": colleague, "lead": lead, "note": note},
                about=lead,
            )
        made.append(recommendation)
        return message

    _attempt(
        member=member,
        lead=lead,
        channel=Channel.PORTAL_EMAIL,
        note="Recommended " + ", ".join(m.display_name for m in recommended),
        send=send,
        actor=actor,
        counts_when_warm=False,  # an attempt only when the lead is cold
    )
    return made[0]


def record_decision_notes(
    *, member: Member, lead: Lead, decision_process: str, feedback: str
) -> DecisionNote:
    """The lead talked through their decision process; the member's constructive feedback."""
    if member.partnership_id != lead.partnership_id:
        raise OutreachRefused("This lead belongs to another partnership.")
    if not decision_process.strip() or not feedback.strip():
        raise OutreachRefused("Write both the lead's decision process and your feedback.")
    return DecisionNote.objects.create(
        partnership_id=lead.partnership_id,
        member=member,
        lead=lead,
        decision_process=decision_process.strip(),
        feedback=feedback.strip(),
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
