"""Demo co-marketing for `seed_demo`, made through the co-marketing services: the demo lender
has an active partner (the demo agent, who accepted) with a flyer and a single property site
made together, an invitation whose link was seen, one still travelling, and one that bounced.
Idempotent: an address the lender already has a live connection with is left alone, and the
media are made once."""

from __future__ import annotations

from comarketing import services
from comarketing.models import Connection, Media
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import advance_status

AGENT, LENDER = "agent@pinnacle.localhost", "lender@pinnacle.localhost"
# (address, what happened to the invitation)
INVITATIONS = [
    (AGENT, "accepted"),
    ("jamie.cole@example.net", "link_seen"),
    ("sam.ortega@example.net", "travelling"),
    ("pat.wrongaddress@example.net", "bounced"),
]


def seed_demo_comarketing(sender, partnerships, stdout=None, **kwargs) -> None:
    partnership = next((p for p in partnerships if p.slug == "pinnacle"), None)
    if partnership is None:
        return
    members = Member.objects.for_partnership(partnership).select_related("user", "partnership")
    lender = members.filter(user__email=LENDER).first()
    agent = members.filter(user__email=AGENT).first()
    if lender is None or agent is None:
        return
    live = set(
        Connection.objects.for_partnership(partnership)
        .filter(lender=lender, deleted_at__isnull=True)
        .values_list("email", flat=True)
    )
    made = 0
    for email, story in INVITATIONS:
        if email in live:
            continue
        (connection,) = services.invite_partners(lender=lender, emails=[email], actor=None)
        message = connection.message
        if story == "accepted":
            services.accept_connection(connection=connection, member=agent, actor=None)
        elif story == "link_seen":
            advance_status(message, OutboxMessage.Status.DELIVERED)
            services.follow_invitation_email(message)
            services.mark_link_clicked(connection)
        elif story == "bounced":
            OutboxMessage.objects.filter(pk=message.pk).update(
                status_reason="550 5.1.1 The email account does not exist."
            )
            message.refresh_from_db()
            advance_status(message, OutboxMessage.Status.BOUNCED, reason=message.status_reason)
        made += 1
    active = Connection.objects.filter(
        lender=lender, partner=agent, deleted_at__isnull=True
    ).first()
    if active is not None and not Media.objects.filter(connection=active).exists():
        for kind in (Media.Kind.FLYER, Media.Kind.PROPERTY_SITE):
            services.create_media(
                connection=active,
                member=lender,
                kind=kind,
                owner=agent,
                fields={**LISTING, "is_published": True},
                photos=[],
                actor=None,
            )
    if stdout is not None and made:
        stdout.write(f"Demo co-marketing connections created: {made}.")


LISTING = {
    "title": "Charming Craftsman in Travis Heights",
    "headline": "Walk to South Congress; open house Saturday 1-4 pm",
    "body": "Original hardwoods, a chef's kitchen and a shaded back porch on a quiet street. "
    "Pre-approval in a day with our lender partner.",
    "address": "1204 Kenwood Ave, Austin, TX 78704",
    "price": 525000,
    "bedrooms": 3,
    "bathrooms": 2.5,
    "square_feet": 1850,
}
