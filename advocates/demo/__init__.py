"""Demo inner circle for `seed_demo`, made through the advocates services: the demo agent's
circle holds past clients (advocates), well-connected core advocates, and allied resources, two
of them partner members from the directory. Idempotent: a contact the agent already has (by
email) is left alone."""

from __future__ import annotations

import datetime as dt

from advocates.demo.contacts import seed_contacts_details
from advocates.demo.insights import seed_insights
from advocates.demo.plans import seed_plans
from advocates.demo.referrals import seed_referrals
from advocates.models import Segment
from advocates.selectors.circle import contacts_of
from advocates.services.contacts import create_contact
from members.models import Member

AGENT = "agent@pinnacle.localhost"

# (name, email, segment, personal details)
CONTACTS = [
    (
        "Maya Thompson",
        "maya.thompson@example.com",
        Segment.CORE_ADVOCATES,
        {
            "phone": "512-555-0141",
            "company": "Austin Young Professionals",
            "family": "Married to Chris; twins Ava and Leo (7).",
            "hobbies": "Trail running, pottery",
            "interests": "Runs the neighbourhood association's newsletter",
            "birthday": dt.date(1986, 12, 3),
            "home_anniversary": dt.date(2021, 6, 18),
        },
    ),
    (
        "Daniel Okafor",
        "daniel.okafor@example.com",
        Segment.ADVOCATES,
        {
            "phone": "512-555-0177",
            "family": "Wife Grace; newborn daughter",
            "hobbies": "Smoking brisket, UT football",
            "home_anniversary": dt.date(2023, 3, 30),
        },
    ),
    (
        "Priya Raman",
        "priya.raman@example.com",
        Segment.ADVOCATES,
        {"hobbies": "Gardening", "interests": "Native plants, school board"},
    ),
    (
        "Luis Herrera",
        "luis.herrera@example.com",
        Segment.CORE_ADVOCATES,
        {
            "company": "Herrera Family Dental",
            "interests": "Sponsors the Kyle little league",
            "birthday": dt.date(1979, 1, 22),
        },
    ),
    (
        "Hannah Brooks",
        "hannah.brooks@example.com",
        Segment.ADVOCATES,
        {"family": "Two dogs, Biscuit and Pepper", "hobbies": "Live music"},
    ),
    (
        "Sunrise Moving Co.",
        "dispatch@sunrisemoving.example.com",
        Segment.ALLIED_RESOURCES,
        {"company": "Sunrise Moving Co.", "service": "Local and long-distance moves"},
    ),
    (
        "Greenleaf Landscaping",
        "hello@greenleaf.example.com",
        Segment.ALLIED_RESOURCES,
        {"company": "Greenleaf Landscaping", "service": "Curb appeal before listing"},
    ),
]
# Partner members in the directory the agent also counts among their allied resources.
LINKED_ALLIED = 2


def seed_contacts(agent: Member) -> int:
    have = set(contacts_of(agent).values_list("email", flat=True))
    made = 0
    for name, email, segment, details in CONTACTS:
        if email in have:
            continue
        create_contact(owner=agent, name=name, email=email, segment=segment, **details)
        made += 1
    partners = (
        Member.objects.for_partnership(agent.partnership)
        .filter(kind=Member.Kind.ALLIED, is_active=True)
        .select_related("user", "company")
        .order_by("pk")
    )
    for partner in partners[:LINKED_ALLIED]:
        email = partner.user.email.lower()
        if email in have or contacts_of(agent).filter(linked_member=partner).exists():
            continue
        create_contact(
            owner=agent,
            name=partner.display_name,
            email=email,
            segment=Segment.ALLIED_RESOURCES,
            linked_member=partner,
            company=partner.company.name if partner.company else "",
            service=partner.get_service_category_display(),
        )
        made += 1
    return made


def seed_demo_advocates(sender, partnerships, stdout=None, **kwargs) -> None:
    partnership = next((p for p in partnerships if p.slug == "pinnacle"), None)
    if partnership is None:
        return
    agent = (
        Member.objects.for_partnership(partnership)
        .select_related("partnership", "user")
        .filter(user__email=AGENT)
        .first()
    )
    if agent is None:
        return
    made = seed_contacts(agent)
    seed_contacts_details(agent)
    seed_plans(agent)
    seed_insights(agent)
    seed_referrals(agent)
    if stdout is not None and made:
        stdout.write(f"Demo inner-circle contacts created: {made}.")
