"""Demo details of the demo agent's circle, through the contacts services: logged
interactions, transaction history with client ratings, and the agent's own rating of each
allied resource, so the scores and the allied resources scorecard show something.
Idempotent: a contact that already has a log or a history is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from advocates.models import InteractionKind
from advocates.selectors.circle import contacts_of
from advocates.services.contacts import add_service_record, record_interaction, update_contact
from members.models import Member

# email: [(kind, days ago, summary)]
INTERACTIONS = {
    "maya.thompson@example.com": [
        (InteractionKind.MEETING, 12, "Coffee at Jo's: she wants to host a spring mixer"),
        (InteractionKind.NOTE, 40, "Thank-you card for the two introductions"),
        (InteractionKind.EVENT_ATTENDED, 75, "Came to the client appreciation BBQ"),
        (InteractionKind.CALL, 120, "Birthday call for the twins"),
    ],
    "daniel.okafor@example.com": [
        (InteractionKind.GIFT, 20, "Baby gift basket"),
        (InteractionKind.CALL, 95, "Home anniversary check-in"),
    ],
    "luis.herrera@example.com": [
        (InteractionKind.EVENT_INVITATION, 8, "Invited to the home-buyer seminar"),
        (InteractionKind.MEETING, 60, "Lunch: sponsorship of the little league"),
    ],
    "dispatch@sunrisemoving.example.com": [
        (InteractionKind.MEETING, 30, "One-on-one: how we refer moves to each other"),
    ],
}
# email: (the agent's own rating, [(days ago, service, feedback, client rating)])
HISTORY = {
    "maya.thompson@example.com": (
        None,
        [(900, "Bought 14 Pecan Grove", "Smoothest purchase of her life, she says", 10)],
    ),
    "daniel.okafor@example.com": (
        None,
        [(800, "Bought a first home on Elm St", "Wanted more updates during the inspection", 8)],
    ),
    "dispatch@sunrisemoving.example.com": (
        9,
        [
            (200, "Moved the Okafors", "On time, nothing broken", 9),
            (90, "Moved the Raman family", "Careful crew", 10),
        ],
    ),
    "hello@greenleaf.example.com": (
        5,
        [(150, "Curb appeal before listing on Oak Ln", "Late by a week; seller unhappy", 4)],
    ),
}


def seed_contacts_details(agent: Member) -> int:
    """Returns how many contacts got details."""
    now = timezone.now()
    today = agent.partnership.today()
    contacts = {c.email: c for c in contacts_of(agent).prefetch_related("interactions")}
    done = 0
    for email, entries in INTERACTIONS.items():
        contact = contacts.get(email)
        if contact is None or contact.interactions.all():
            continue
        for kind, days, summary in entries:
            record_interaction(
                contact=contact,
                kind=kind,
                occurred_at=now - dt.timedelta(days=days),
                summary=summary,
            )
        done += 1
    for email, (rating, records) in HISTORY.items():
        contact = contacts.get(email)
        if contact is None or contact.service_records.exists():
            continue
        if rating is not None and contact.service_rating is None:
            update_contact(
                contact=contact, linked_member=contact.linked_member, service_rating=rating
            )
        for days, service, feedback, client_rating in records:
            add_service_record(
                contact=contact,
                happened_on=today - dt.timedelta(days=days),
                service=service,
                feedback=feedback,
                client_rating=client_rating,
            )
        done += 1
    return done
