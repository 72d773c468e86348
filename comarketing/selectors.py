"""Reads for co-marketing pages: a member's active partners, and the leads shared through a
connection. Each is one query, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from comarketing.models import Connection, SharedLead, Status
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
