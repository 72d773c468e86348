"""Reads for co-marketing pages: the invitation's contact picker, a member's active partners, the
leads shared through a connection, and co-branded media. Each is one query (a source each for
the picker), whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, When

from comarketing.models import Connection, Media, MediaPhoto, SharedLead, Status
from comarketing.services import PUBLIC_KINDS
from leads.models import Lead
from leads.selectors.lists import is_opted_out
from members.extensions import ContactChoice, contact_sources
from members.models import Member
from pinnacle.access import get_or_404, not_found

CONTACTS_SHOWN = 10


def invitation_contacts(member: Member, query: str) -> list[ContactChoice]:
    """The invitation picker's matches for what the member typed: a name (two letters or more),
    or an email address, matched exactly. policy: "If a contact in your account exists with that
    email address, you can select that contact. You can also search for contacts by name." """
    query = query.strip()
    if "@" in query:
        return find_contacts(member, emails=[query])
    if len(query) < 2:
        return []
    return find_contacts(member, name=query)


def find_contacts(
    member: Member, *, name: str = "", emails: Sequence[str] = ()
) -> list[ContactChoice]:
    """The member's contacts whose name contains `name` or whose address is one of `emails`:
    their own (the advocate CRM's, through `members.extensions.contact_sources`: never another
    member's), then the partnership's members and leads. Each address once, the first kept."""
    emails = [email.strip().lower() for email in emails if email.strip()]
    if not name and not emails:
        return []
    members = (
        Member.objects.for_partnership(member.partnership)
        .filter(_matching("display_name", "user__email", name, emails), is_active=True)
        .exclude(pk=member.pk)
        .values_list("display_name", "user__email")
    )
    leads = (
        Lead.objects.for_partnership(member.partnership)
        .filter(_matching("name", "email", name, emails))
        .values_list("name", "email")
    )
    found = [
        *contact_sources.find(member, name=name, emails=emails, limit=CONTACTS_SHOWN),
        *(
            ContactChoice(name=n, email=e, kind="member")
            for n, e in members.order_by("display_name")[:CONTACTS_SHOWN]
        ),
        *(
            ContactChoice(name=n, email=e, kind="lead")
            for n, e in leads.order_by("name")[:CONTACTS_SHOWN]
        ),
    ]
    unique: dict[str, ContactChoice] = {}
    for contact in found:
        unique.setdefault(contact.email.lower(), contact)
    return list(unique.values())


def _matching(name_field: str, email_field: str, name: str, emails: list[str]) -> Q:
    match = Q(pk__in=[])
    if name:
        match |= Q(**{f"{name_field}__icontains": name})
    if emails:
        match |= Q(**{f"{email_field}__lower__in": emails})
    return match


def active_connections(member: Member) -> QuerySet[Connection]:
    """The member's own active connections (either side), the other partner loaded."""
    return (
        Connection.objects.for_partnership(member.partnership)
        .filter(Q(lender=member) | Q(partner=member), status=Status.ACTIVE, deleted_at__isnull=True)
        .select_related("lender__user", "partner__user")
        .order_by("pk")
    )


def partners_for_lead(member: Member, lead: Lead) -> list[Connection]:
    """The member's active connections, each with `other` (the partner on the other side) and
    `already_shared` (whether the member shared this lead through it)."""
    rows = active_connections(member).annotate(already_shared=_already_shared(member, lead))
    connections: list[Connection] = list(rows)
    for connection in connections:
        connection.other = other_side(connection, member)
    return connections


@dataclass(frozen=True)
class ShareChoice:
    """One of the member's active connections as the lead page's share panel shows it."""

    connection_id: int
    partner_name: str  # the partner on the member's other side
    already_shared: bool  # the member shared the lead through it


def share_choices(member: Member, lead: Lead) -> list[ShareChoice]:
    """`partners_for_lead` as values for the lead's page (one query): a member may have
    hundreds of partners, and the panel shows only their names."""
    rows = (
        active_connections(member)
        .annotate(
            partner_name=Case(
                When(partner_id=member.pk, then=F("lender__display_name")),
                default=F("partner__display_name"),
            ),
            already_shared=_already_shared(member, lead),
        )
        .values_list("pk", "partner_name", "already_shared")
    )
    return [ShareChoice(*row) for row in rows]


def _already_shared(member: Member, lead: Lead) -> Exists:
    return Exists(
        SharedLead.objects.for_partnership(member.partnership).filter(
            connection=OuterRef("pk"), lead=lead, shared_by=member
        )
    )


def other_side(connection: Connection, member: Member) -> Member | None:
    """The partner `member` co-markets with through `connection`; for leadership looking at
    someone else's connection, the partner (the lender's side is the one they look from)."""
    return connection.lender if member.pk == connection.partner_id else connection.partner


def shared_leads(connection: Connection, **who) -> QuerySet[SharedLead]:
    """Leads shared through the connection, newest first, narrowed by `shared_with=` or
    `shared_by=`, each with its lead, both partners and the lead's opt-out state."""
    return (
        SharedLead.objects.for_partnership(connection.partnership)
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
        Media.objects.for_partnership(connection.partnership)
        .filter(connection=connection)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )


def public_media_for(visitor: Callable[[], Member | None], *, partnership, slug: str) -> Media:
    """A property site or capture page of the partnership by its slug, with both partners
    (users and companies) and its photos; 404 when it is another partnership's, not a public
    kind, or its connection ended, and when it is unpublished to everyone but those it is open
    to. `visitor` gives the visitor's membership (None for the public), asked only then."""
    partner_fields = [
        f"connection__{side}__{related}"
        for side in ("lender", "partner")
        for related in ("user", "company")
    ]
    rows = (
        Media.objects.for_partnership(partnership)
        .filter(
            kind__in=PUBLIC_KINDS,
            connection__deleted_at__isnull=True,
            connection__status=Status.ACTIVE,
        )
        .select_related("connection", *partner_fields)
        .prefetch_related(
            Prefetch("photos", queryset=MediaPhoto.objects.for_partnership(partnership))
        )
    )
    media = get_or_404(rows, slug=slug)
    if not media.is_published:
        member = visitor()
        if member is None or not media.connection.is_open_to(member):
            raise not_found(Media)
    return media


# --- One object, or the same 404 -----------------------------------------------------------------

PARTIES = ("lender__user", "lender__company", "partner__user", "partner__company")


def connection_for(member: Member, pk) -> Connection:
    """A live connection open to the member (its partners, leadership), or 404."""
    rows = Connection.objects.for_partnership(member.partnership).filter(deleted_at__isnull=True)
    connection = get_or_404(rows.select_related(*PARTIES), pk=pk)
    if not connection.is_open_to(member):
        raise not_found(Connection)
    return connection


def media_for(member: Member, pk) -> Media:
    """Media of a live connection open to the member (its partners, leadership), or 404."""
    rows = Media.objects.for_partnership(member.partnership).filter(
        connection__deleted_at__isnull=True
    )
    media = get_or_404(
        rows.select_related(*(f"connection__{party}" for party in PARTIES), "owner"), pk=pk
    )
    if not media.connection.is_open_to(member):
        raise not_found(Media)
    return media


def invitation_for(*, partnership, token: str) -> Connection:
    """The live connection a co-marketing invitation link names, or 404."""
    rows = Connection.objects.for_partnership(partnership).filter(deleted_at__isnull=True)
    return get_or_404(rows.select_related("lender__user", "partnership"), token=token)
