"""Reads for co-marketing pages: a member's active partners, the leads shared through a
connection, and co-branded media. Each is one query, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from comarketing.models import Connection, Media, MediaPhoto, SharedLead, Status
from comarketing.services import PUBLIC_KINDS
from leads.models import Lead
from leads.selectors.lists import is_opted_out
from members.models import Member


def active_connections(member: Member) -> QuerySet[Connection]:
    """The member's own active connections (either side), the other partner loaded."""
    return (
        Connection.objects.for_partnership(member.partnership_id)
        .filter(Q(lender=member) | Q(partner=member), status=Status.ACTIVE, deleted_at__isnull=True)
        .select_related("lender__user", "partner__user")
        .order_by("pk")
    )


def partners_for_lead(member: Member, lead: Lead) -> list[Connection]:
    """The member's active connections, each with `other` (the partner on the other side) and
    `already_shared` (whether the member shared this lead through it)."""
    rows = active_connections(member).annotate(
        already_shared=Exists(
            SharedLead.objects.filter(
                partnership_id=member.partnership_id,
                connection=OuterRef("pk"),
                lead=lead,
                shared_by=member,
            )
        )
    )
    connections = list(rows)
    for connection in connections:
        connection.other = other_side(connection, member)
    return connections


def other_side(connection: Connection, member: Member) -> Member:
    """The partner `member` co-markets with through `connection`; for leadership looking at
    someone else's connection, the partner (the lender's side is the one they look from)."""
    return connection.lender if member.pk == connection.partner_id else connection.partner


def shared_leads(connection: Connection, **who) -> QuerySet[SharedLead]:
    """Leads shared through the connection, newest first, narrowed by `shared_with=` or
    `shared_by=`, each with its lead, both partners and the lead's opt-out state."""
    return (
        SharedLead.objects.for_partnership(connection.partnership_id)
        .filter(connection=connection, **who)
        .select_related("lead", "shared_by", "shared_with")
        .annotate(lead_is_opted_out=is_opted_out_of_lead())
        .order_by("-created_at", "-pk")
    )


def is_opted_out_of_lead() -> Exists:
    """The leads list's opt-out state (`leads.selectors.lists.is_opted_out`) of the row's lead."""
    return Exists(
        Lead.objects.filter(pk=OuterRef("lead_id"))
        .annotate(is_opted_out=is_opted_out())
        .filter(is_opted_out=True)
    )


def connection_media(connection: Connection) -> QuerySet[Media]:
    """The overview's "Media you created together", newest first, each with its owner."""
    return (
        Media.objects.for_partnership(connection.partnership_id)
        .filter(connection=connection)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )


def get_public_media(*, partnership, slug: str) -> Media:
    """A property site or capture page of the partnership by its slug, with both partners
    (users and companies) and its photos; 404 when it is another partnership's, not a public
    kind, or its connection ended. Whether it is published is the caller's to decide (partners
    see their unpublished pages)."""
    partner_fields = [
        f"connection__{side}__{related}"
        for side in ("lender", "partner")
        for related in ("user", "company")
    ]
    media = (
        Media.objects.for_partnership(partnership)
        .filter(
            slug=slug,
            kind__in=PUBLIC_KINDS,
            connection__deleted_at__isnull=True,
            connection__status=Status.ACTIVE,
        )
        .select_related("connection", *partner_fields)
        .prefetch_related(
            Prefetch("photos", queryset=MediaPhoto.objects.for_partnership(partnership))
        )
        .first()
    )
    if media is None:
        raise Http404("No such page.")
    return media
