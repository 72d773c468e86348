"""Cross-selling: a member recommends other members to a lead (an attempt when the lead is
cold); and the notes of a lead's decision process with the member's feedback."""

from __future__ import annotations

from leads.models import Lead
from members.models import Member
from outreach.models import (
    Channel,
    DecisionNote,
    Recommendation,
)
from outreach.selectors.policy import PairState
from outreach.services import OutreachRefused
from outreach.services.attempts import make_attempt
from outreach.services.messages import check_personal, message_context
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email

RECOMMENDATION_TEMPLATE = "outreach/recommendation"


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

    make_attempt(
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
