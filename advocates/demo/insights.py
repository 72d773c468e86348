"""Demo reward experiment and satisfaction answers for `seed_demo`, made through the services:
a running experiment over the demo agent's advocates and core advocates (started six weeks ago)
with a few feedback notes and one advocate who, after the split, asked to be removed from the
circle (deleted through the service, so they stay in their group as withdrawn with the referral
they had sent), and 12 answered surveys whose ratings follow a known rule
(S = 0.2C + 0.5Q + 0.3V, rounded, plus a small fixed noise) so the model shows. The referrals
counted by the experiment come from the referrals demo. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from advocates.models import Experiment, Survey
from advocates.selectors.circle import contacts_of
from advocates.services import AdvocatesRefused
from advocates.services.contacts import create_contact, delete_contact
from advocates.services.experiments import note_feedback, start_experiment
from advocates.services.referrals import record_referral_received
from advocates.services.surveys import answer_survey, send_survey
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import advance_status

EXPERIMENT_NAME = "Fixed $250 vs 0.1% of the sale"
EXPERIMENT_SEED = 20250105  # a fixed split, so the demo looks the same every time
FEEDBACK = [
    "Said a flat amount is easy to understand and to mention to friends.",
    "Liked that a bigger sale earns a bigger thank-you; asked how the percentage is computed.",
    "Would rather have a dinner out than cash, whatever the amount.",
]

# (C, Q, V, noise): S = round(0.2C + 0.5Q + 0.3V) + noise, within 1-10.
ANSWERS = [
    (8, 9, 7, 0),
    (5, 7, 6, 1),
    (9, 6, 8, 0),
    (4, 5, 5, -1),
    (7, 8, 9, 0),
    (6, 9, 5, 1),
    (3, 4, 6, 0),
    (10, 9, 8, 0),
    (6, 5, 4, -1),
    (8, 7, 7, 0),
    (2, 6, 3, 1),
    (9, 10, 9, 0),
]
CLIENTS = [
    "Aaron Blake",
    "Bianca Flores",
    "Carter Nguyen",
    "Dana Whitfield",
    "Elena Petrova",
    "Felix Osei",
    "Gina Marchetti",
    "Hector Alvarez",
    "Iris Campbell",
    "Jamal Reed",
    "Kara Lindqvist",
    "Liam O'Connor",
]
# The advocate who leaves after the split: (name, their referral's person, phone, days ago).
WITHDRAWN = ("Gwen Porter", "Theo Marsh", "(512) 555-0188", 26)
COMMENTS = {0: "Always knew where things stood.", 7: "Worth every penny."}


def satisfaction_of(c: int, q: int, v: int, noise: int) -> int:
    return max(1, min(10, round(0.2 * c + 0.5 * q + 0.3 * v) + noise))


def _happened(survey: Survey, *, days_ago: int) -> None:
    """The survey went out (and was answered two days later) in the past: its email is recorded
    as sent then, so nothing is sent while seeding and the worker leaves it alone."""
    sent = timezone.now() - dt.timedelta(days=days_ago)
    if survey.message_id:
        message = OutboxMessage.objects.get(pk=survey.message_id)
        advance_status(message, OutboxMessage.Status.SENT)
        OutboxMessage.objects.filter(pk=message.pk).update(
            created_at=sent, sent_at=sent, status_changed_at=sent
        )
    Survey.objects.filter(pk=survey.pk).update(
        sent_at=sent, answered_at=sent + dt.timedelta(days=2)
    )


def seed_insights(agent: Member) -> int:
    """Returns how many rows it made (the experiment and each survey count one)."""
    return _seed_experiment(agent) + _seed_surveys(agent)


def _seed_experiment(agent: Member) -> int:
    """The demo reward experiment, six weeks in, with feedback on some of its contacts; one of
    its contacts referred someone and then left the circle. 1 when made, else 0."""
    made = 0
    experiments = Experiment.objects.for_partnership(agent.partnership)
    if not experiments.filter(owner=agent, name=EXPERIMENT_NAME).exists():
        today = agent.partnership.today()
        leaving = create_contact(owner=agent, name=WITHDRAWN[0], once=False)
        try:
            started = start_experiment(
                actor=agent,
                name=EXPERIMENT_NAME,
                starts_on=today - dt.timedelta(weeks=6),
                fixed_reward=250,
                variable_rate="0.10",
                seed=EXPERIMENT_SEED,
            )
        except AdvocatesRefused:
            started = None  # fewer than four free advocates: no demo experiment
        if started is not None:
            name, phone = WITHDRAWN[1], WITHDRAWN[2]
            record_referral_received(
                contact=leaving,
                person_name=name,
                person_phone=phone,
                received_on=today - dt.timedelta(days=WITHDRAWN[3]),
            )
        delete_contact(contact=leaving)
        if started is not None:
            made += 1
            assigned = (
                started.experiment.assignments.filter(contact__isnull=False)
                .select_related("contact")
                .order_by("pk")
            )
            for assignment, text in zip(assigned, FEEDBACK, strict=False):
                note_feedback(
                    actor=agent,
                    experiment=started.experiment,
                    contact=assignment.contact,
                    text=text,
                )
    return made


def _seed_surveys(agent: Member) -> int:
    """The answered satisfaction surveys, one per demo client not surveyed yet."""
    made = 0
    have = set(
        Survey.objects.for_partnership(agent.partnership)
        .filter(owner=agent)
        .values_list("email", flat=True)
    )
    circle = {c.email: c for c in contacts_of(agent).exclude(email="")}
    for i, (name, (c, q, v, noise)) in enumerate(zip(CLIENTS, ANSWERS, strict=True)):
        email = f"{name.split()[0].lower()}.survey@example.com"
        if email in have:
            continue
        survey = send_survey(owner=agent, name=name, email=email, contact=circle.get(email))
        answer_survey(
            survey=survey,
            communication=c,
            quality=q,
            value=v,
            satisfaction=satisfaction_of(c, q, v, noise),
            comment=COMMENTS.get(i, ""),
        )
        _happened(survey, days_ago=60 - 4 * i)
        made += 1
    return made
