"""Sharing leads between co-marketing partners."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from comarketing.models import Connection, Media, SharedLead
from comarketing.services import ComarketingRefused
from leads.models import Lead
from members.models import Member
from pinnacle.mail.services import find_suppression, queue_email
from pinnacle.tenancy import record_audit
from pinnacle.text import bounded_text

LEAD_SHARED_TEMPLATE = "comarketing/lead_shared"
MAX_NOTE_LENGTH = 2000


def _check_may_share(
    *, connection: Connection, member: Member, lead: Lead, media: Media | None
) -> Member:
    """Only a party of an active connection shares, a lead of its partnership, and from a page
    of that connection; returns the other partner, who receives the lead."""
    if not connection.has_party(member):
        raise ComarketingRefused("Only the two partners of a connection share leads through it.")
    other = connection.partner if member.pk == connection.lender_id else connection.lender
    if connection.deleted_at is not None or not connection.is_active or other is None:
        raise ComarketingRefused("Leads are shared with active co-marketing partners only.")
    if lead.partnership_id != connection.partnership_id:
        raise ComarketingRefused("This lead is not in your partnership.")
    if media is not None and media.connection_id != connection.pk:
        raise ComarketingRefused("This page was made through another connection.")
    return other


@transaction.atomic
def share_lead(
    *,
    connection: Connection,
    lead: Lead,
    member: Member,
    note: str,
    actor,
    media: Media | None = None,
) -> SharedLead:
    """One partner of an active connection shares a lead with the other, with a note: the
    partner is emailed and the lead appears under their "Leads shared with you". Once per lead
    and partner. Sharing sends nothing to the lead and records no outreach attempt: opt-outs
    and the outreach rules apply to whatever either partner does next. `media` is the
    co-branded page that captured the lead, when the share comes from its form."""
    connection = (
        Connection.objects.select_for_update(of=("self",))
        .select_related("lender__user", "partner__user", "partnership")
        .get(pk=connection.pk)
    )
    other = _check_may_share(connection=connection, member=member, lead=lead, media=media)
    partnership = connection.partnership
    # policy: opt-outs still apply to both partners: an opted-out lead is not passed on.
    suppression = find_suppression(partnership=partnership, email=lead.email)
    if suppression is not None and suppression.is_opt_out:
        raise ComarketingRefused(
            f"{lead.name} opted out of outreach from {partnership.name}: they cannot be shared "
            "with a partner."
        )
    note = bounded_text(
        note,
        max_length=MAX_NOTE_LENGTH,
        too_long=lambda _: ComarketingRefused(f"Keep the note under {MAX_NOTE_LENGTH} characters."),
    )
    try:
        with transaction.atomic():
            shared = SharedLead.objects.create(
                partnership=partnership,
                connection=connection,
                lead=lead,
                shared_by=member,
                shared_with=other,
                note=note,
                media=media,
            )
    except IntegrityError as exc:
        raise ComarketingRefused(
            f"You already shared {lead.name} with {other.display_name}."
        ) from exc
    _tell_partner(shared=shared, sharer=member, partner=other)
    record_audit(
        partnership=partnership,
        actor=actor,
        action="comarketing.lead_shared",
        target=connection,
        summary=f"{member.display_name} shared the lead {lead.name} with {other.display_name}",
        data={"lead": lead.pk, "shared_with": other.pk, "media": media.pk if media else None},
    )
    return shared


def _tell_partner(*, shared: SharedLead, sharer: Member, partner: Member) -> None:
    """The partner hears of the lead shared with them, from the sharer (Reply-To them)."""
    partnership, lead = shared.partnership, shared.lead
    queue_email(
        partnership=partnership,
        key=f"comarketing:shared-lead:{shared.pk}",
        template=LEAD_SHARED_TEMPLATE,
        to=partner.email,
        context={
            "partner": partner,
            "sharer": sharer,
            "lead": lead,
            "note": shared.note,
            "media": shared.media,
            "lead_url": partnership.absolute_url(lead.get_absolute_url()),
            "connection_url": partnership.absolute_url(
                reverse("comarketing_detail", args=[shared.connection_id])
            ),
        },
        sender_name=sharer.display_name,
        reply_to=sharer.email,
        about=shared,
    )
