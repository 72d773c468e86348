"""Demo outreach for `seed_demo`, made through the outreach services so the policy applies: the
demo agent's templates by stage; emails, calls, a logged reply, a recommendation and decision
notes by the demo agent and lender on the demo leads; one lead at the weekly cap, with the
refused attempt kept; one lead who opted out from a member's email.

Idempotent: templates are keyed on their names, and each story is told only for a member and
lead with no outreach history yet. The stories happened over the past week: each step is moved
back to its moment before the next one, which the policy decides on what came before it.
"""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone

from leads.models import Lead
from members.models import Member
from members.selectors import listed_members
from outreach import services
from outreach.models import (
    Attempt,
    CallOutcome,
    DecisionNote,
    LeadReply,
    OutreachPair,
    Recommendation,
    Template,
)
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import advance_status, opt_out
from pinnacle.models import Partnership

AGENT, LENDER = "agent@pinnacle.localhost", "lender@pinnacle.localhost"

# The demo agent's own openings: (name, stages, subject, body).
AGENT_TEMPLATES = [
    (
        "First hello to a new buyer",
        ["new"],
        "Your home search around Austin",
        "I saw that you are starting to look for a home. Before you tour anything, it helps to "
        "know which suburbs fit your commute and budget: most of my buyers start with a "
        "20-minute call about schools, drive times and monthly payments, and I follow up with "
        "a short list of streets worth a Saturday drive. Would an evening call this week suit "
        "you?",
    ),
    (
        "Following up with listings",
        ["contacted"],
        "Three homes worth a look this weekend",
        "Following up on my last note with something useful: three homes came on the market "
        "this week that match what you described, each under the price where payments jump. "
        "I can show them on Saturday morning, or simply send you new listings like these as "
        "they appear, with no obligation.",
    ),
]


def seed_demo_outreach(sender, partnerships, stdout=None, **kwargs) -> None:
    partnership = next((p for p in partnerships if p.slug == "pinnacle"), None)
    if partnership is None:
        return
    agent, lender = _member(partnership, AGENT), _member(partnership, LENDER)
    if agent is None or lender is None:
        return
    templates = [_ensure_template(agent, *row) for row in AGENT_TEMPLATES]
    leads = {lead.email: lead for lead in Lead.objects.for_partnership(partnership)}
    stories = [
        (agent, "ethan.brooks@example.net", lambda m, lead: _at_the_weekly_cap(m, lead, templates)),
        (agent, "grace.liu@example.net", _spoke_on_the_phone),
        (agent, "sophia.ramirez@example.net", _opted_out_from_an_email),
        (lender, "marcus.hill@example.net", _replied_to_an_email),
        (lender, "ava.thompson@example.net", _recommended_two_members),
        (lender, "noah.patel@example.net", _talked_through_the_decision),
    ]
    told = 0
    for member, email, story in stories:
        lead = leads.get(email)
        if lead is not None and _untouched(member, lead):
            story(member, lead)
            told += 1
    if stdout is not None and told:
        stdout.write(f"Demo outreach created for {told} leads.")


def _member(partnership: Partnership, login: str) -> Member | None:
    return Member.objects.for_partnership(partnership).filter(user__email=login).first()


def _ensure_template(member: Member, name, stages, subject, body) -> Template:
    found = Template.objects.for_partnership(member.partnership).filter(member=member, name=name)
    if template := found.first():
        return template
    return services.save_template(
        member=member, name=name, subject=subject, body=body, stages=stages
    )


def _untouched(member: Member, lead: Lead) -> bool:
    scope = {"partnership_id": lead.partnership_id, "member": member, "lead": lead}
    return not (
        OutreachPair.objects.filter(**scope).exists()
        or DecisionNote.objects.filter(**scope).exists()
    )


# --- The stories --------------------------------------------------------------------------------


def _at_the_weekly_cap(agent: Member, lead: Lead, templates: list[Template]) -> None:
    """An email from the "new" template made personal, then a voicemail: two cold attempts in
    the week, so a third is refused until a week after the first."""
    first = templates[0]
    email = services.send_message(
        member=agent,
        lead=lead,
        subject=first.subject,
        body=f"Ethan, you mentioned you are exploring the Hill Country market. {first.body}",
        template=first,
        actor=agent.user,
    )
    _happened(email, _at(lead, 6, "10:15"))
    call = services.log_call(
        member=agent,
        lead=lead,
        outcome=CallOutcome.VOICEMAIL,
        note="Left a short voicemail: offered a drive through Dripping Springs and Wimberley.",
        actor=agent.user,
    )
    _happened(call, _at(lead, 2, "17:40"))
    # The policy at work: the refusal is kept for the lead's page and leadership's report.
    with contextlib.suppress(services.OutreachRefused):
        services.log_call(member=agent, lead=lead, outcome=CallOutcome.NO_ANSWER, actor=agent.user)


def _spoke_on_the_phone(agent: Member, lead: Lead) -> None:
    call = services.log_call(
        member=agent,
        lead=lead,
        outcome=CallOutcome.SPOKE,
        note="Grace wants to buy a house with a yard before listing the condo in spring. "
        "Suggested she talk to Priya about a bridge loan; tours start next weekend.",
        actor=agent.user,
    )
    _happened(call, _at(lead, 4, "11:20"))


def _opted_out_from_an_email(agent: Member, lead: Lead) -> None:
    """A cold email, and the lead opting out from its link the next day."""
    email = services.send_message(
        member=agent,
        lead=lead,
        subject="Selling your parents' house",
        body="Sophia, selling a parent's house is as much a family project as a sale. I work "
        "alongside Elena Vasquez, who lists homes in South Austin, and Tyler Brandt, who "
        "inspects before listing so that there are no surprises. I can arrange a walkthrough "
        "with both of them on the same afternoon, whenever suits your family.",
        actor=agent.user,
    )
    _happened(email, _at(lead, 3, "09:05"))
    suppression = opt_out(
        partnership=lead.partnership,
        email=lead.email,
        source=Suppression.Source.LINK,
        message_id=email.message_id,
    )
    Suppression.objects.filter(pk=suppression.pk).update(created_at=_at(lead, 2, "07:48"))


def _replied_to_an_email(lender: Member, lead: Lead) -> None:
    email = services.send_message(
        member=lender,
        lead=lead,
        subject="Your refinance: the numbers first",
        body="Marcus, whether refinancing makes sense depends on your current rate, your "
        "balance and how long you plan to stay. Send me those three numbers and I will come "
        "back within a day with a one-page comparison of a 15- and a 30-year loan, including "
        "the closing costs and the month you would break even.",
        actor=lender.user,
    )
    _happened(email, _at(lead, 6, "08:30"))
    reply = services.log_lead_reply(
        member=lender,
        lead=lead,
        note="Marcus texted back: 6.9% on $312,000, staying at least ten years. Wants the "
        "15-year numbers; call him Thursday after 5.",
        actor=lender.user,
    )
    LeadReply.objects.filter(pk=reply.pk).update(replied_at=_at(lead, 5, "18:12"))


def _recommended_two_members(lender: Member, lead: Lead) -> None:
    colleagues = listed_members(partnership=lead.partnership).filter(
        slug__in=["jordan-reyes", "tyler-brandt"]
    )
    moment = _at(lead, 3, "14:05")
    recommendation = services.recommend_members(
        member=lender,
        lead=lead,
        recommended=list(colleagues),
        note="Ava, while your pre-approval comes together, two people I trust for first-time "
        "buyers: Jordan Reyes shows homes on Saturdays and explains every step in plain "
        "language, and Tyler Brandt's inspection reports flag what matters and what can wait.",
        actor=lender.user,
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(created_at=moment)
    notices = OutboxMessage.objects.for_partnership(lead.partnership).filter(
        idempotency_key__startswith=f"{recommendation.message.idempotency_key}:member:"
    )
    _happened(
        Attempt.objects.get(message=recommendation.message),
        moment,
        notices=notices.values_list("pk", flat=True),
    )


def _talked_through_the_decision(lender: Member, lead: Lead) -> None:
    note = services.record_decision_notes(
        member=lender,
        lead=lead,
        decision_process="Noah is comparing a DSCR loan with a conventional investment loan, "
        "and has reviewed Derek Olsen and Aisha Rahman in the directory. He will choose an "
        "agent after touring two fourplexes in Round Rock.",
        feedback="Derek underwrites small multifamily deals the way he would his own; a "
        "pre-approval before the tours makes his offers credible. I will send the DSCR "
        "numbers by Friday.",
    )
    # After the call that answered his inquiry (30 and 25 hours ago in the leads demo).
    DecisionNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=20)
    )


def _at(lead: Lead, days: int, at: str) -> datetime.datetime:
    """`days` days ago at `at` o'clock in the partnership's time zone."""
    hour, minute = map(int, at.split(":"))
    day = lead.partnership.localtime(timezone.now()) - datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _happened(attempt: Attempt, moment: datetime.datetime, *, notices=()) -> None:
    """The attempt, and the emails it sent, took place at `moment`, so that what follows is
    decided on it as it stands in the past. Its emails are recorded as sent then: nothing is
    sent while seeding, and the worker leaves them alone."""
    Attempt.objects.filter(pk=attempt.pk).update(made_at=moment)
    if attempt.message_id is None:
        return
    sent = OutboxMessage.objects.filter(pk__in=[attempt.message_id, *notices])
    for message in sent:
        advance_status(message, OutboxMessage.Status.SENT)
    sent.update(created_at=moment, sent_at=moment, status_changed_at=moment)
