"""Inviting co-marketing partners, the invitation's status, registration and acceptance."""

import secrets
from email.utils import parseaddr

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from comarketing.models import PREFILL_FIELDS, PROFILE_FIELDS, STATUS_ORDER, Connection, Status
from comarketing.services import ComarketingRefused
from members.models import Member
from members.services import unique_member_slug
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import confirm_link_visit, queue_email
from pinnacle.tenancy import record_audit

INVITATION_TEMPLATE = "comarketing/invitation"
PARTNER_ACTIVE_TEMPLATE = "comarketing/partner_active"
MAX_ADDRESSES = 25


def can_invite(member: Member) -> bool:
    """Lenders invite and edit; leadership may do all of it for their partnership."""
    return member.is_active and (member.kind == Member.Kind.LENDER or member.is_leadership)


def can_delete(member: Member, connection: Connection) -> bool:
    """Either side of a connection may delete it, and leadership may."""
    if member.partnership_id != connection.partnership_id:
        return False
    return connection.is_open_to(member)


def can_prefill(lender: Member) -> bool:
    """Whether the lender's company opted in to pre-filling an invitee's registration."""
    return lender.company is not None and lender.company.allows_registration_prefill


def clean_prefill(*, lender: Member, emails: list[str], prefill: dict | None) -> dict:
    """The registration data a lender pre-fills for one invitee: only the registration form's
    fields, blanks left out. policy: pre-fill "will be present only if your organization has
    opted in", and "if multiple email addresses were entered ... [it] will not ask you to
    pre-fill any data"."""
    prefill = {
        name: str(value).strip() for name, value in (prefill or {}).items() if str(value).strip()
    }
    if not prefill:
        return {}
    if unknown := sorted(set(prefill) - set(PREFILL_FIELDS)):
        raise ComarketingRefused(f"These are not registration fields: {', '.join(unknown)}.")
    if not can_prefill(lender):
        raise ComarketingRefused(
            "Your organization has not opted in to pre-filling registration data; send the "
            "invitation without it."
        )
    if len(emails) != 1:
        raise ComarketingRefused(
            "Registration data can be pre-filled for one address at a time; with several "
            "addresses the invitations go without it."
        )
    return prefill


def parse_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines; "Name <a@b>" is fine."""
    found = []
    for chunk in text.replace(";", ",").replace("\n", ",").split(","):
        address = parseaddr(chunk.strip())[1].strip().lower()
        if chunk.strip() and not address:
            raise ComarketingRefused(f"\u201c{chunk.strip()}\u201d is not an email address.")
        if address:
            try:
                validate_email(address)
            except ValidationError as exc:
                raise ComarketingRefused(f"\u201c{address}\u201d is not an email address.") from exc
            if len(address) > 254:
                raise ComarketingRefused(f"\u201c{address[:40]}\u2026\u201d is too long.")
            found.append(address)
    found = list(dict.fromkeys(found))
    if not found:
        raise ComarketingRefused("Enter at least one email address, or choose a contact.")
    if len(found) > MAX_ADDRESSES:
        raise ComarketingRefused(f"Invite at most {MAX_ADDRESSES} addresses at a time.")
    return found


def invitation_context(*, lender: Member, url: str, prefill: dict | None = None) -> dict:
    return {"lender": lender, "member": lender, "join_url": url, "prefill": prefill or {}}


def join_url(connection: Connection) -> str:
    return connection.partnership.absolute_url(reverse("comarketing_join", args=[connection.token]))


@transaction.atomic
def invite_partners(
    *, lender: Member, emails: list[str], actor, prefill: dict | None = None
) -> list[Connection]:
    """Invite each address to co-market with `lender`; one invitation email each, queued in the
    same transaction. An address with a live connection to the lender is refused. `prefill`
    (one address, the lender's company opted in) fills in the invitee's registration form."""
    if not can_invite(lender):
        raise ComarketingRefused(
            "Only lenders (and leadership) invite co-marketing partners; agents can delete a "
            "connection but not invite."
        )
    partnership = lender.partnership
    emails = list(dict.fromkeys(email.strip().lower() for email in emails))
    prefill = clean_prefill(lender=lender, emails=emails, prefill=prefill)
    if lender.user.email.lower() in emails:
        raise ComarketingRefused("You cannot invite yourself.")
    live = set(
        Connection.objects.for_partnership(partnership)
        .filter(lender=lender, deleted_at__isnull=True)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    if live:
        raise ComarketingRefused(
            f"Already connected or invited: {', '.join(sorted(live))}. Use \u201cResend\u201d "
            "for a pending invitation, or delete the connection first to invite again."
        )
    now = timezone.now()
    connections = []
    for email in emails:
        try:
            with transaction.atomic():
                connection = Connection.objects.create(
                    partnership=partnership,
                    lender=lender,
                    email=email,
                    token=secrets.token_urlsafe(24),
                    prefill=prefill,
                    invited_by=actor if getattr(actor, "is_authenticated", False) else None,
                    invited_at=now,
                )
        except IntegrityError as exc:
            raise ComarketingRefused(f"{email} was invited a moment ago.") from exc
        _send_invitation(connection, key=f"comarketing:{connection.pk}:invitation")
        record_audit(
            partnership=partnership,
            actor=actor,
            action="comarketing.invited",
            target=connection,
            summary=f"{lender.display_name} invited {email} to co-market",
        )
        connections.append(connection)
    return connections


def _send_invitation(connection: Connection, *, key: str) -> OutboxMessage:
    message = queue_email(
        partnership=connection.partnership,
        key=key,
        template=INVITATION_TEMPLATE,
        to=connection.email,
        context=invitation_context(
            lender=connection.lender, url=join_url(connection), prefill=connection.prefill
        ),
        sender_name=connection.lender.display_name,
        reply_to=connection.lender.email,
        about=connection,
    )
    Connection.objects.filter(pk=connection.pk).update(message=message)
    connection.message = message
    return message


@transaction.atomic
def resend_invitation(*, connection: Connection, member: Member, actor) -> OutboxMessage:
    """The same link again, in a new email; the status follows the new email from here."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if not (can_invite(member) and member.partnership_id == connection.partnership_id):
        raise ComarketingRefused("Only lenders (and leadership) resend invitations.")
    if connection.deleted_at or connection.is_active:
        raise ComarketingRefused("Only a pending invitation can be sent again.")
    sent = OutboxMessage.objects.filter(
        partnership_id=connection.partnership_id,
        idempotency_key__startswith=f"comarketing:{connection.pk}:invitation",
    ).count()
    message = _send_invitation(connection, key=f"comarketing:{connection.pk}:invitation:{sent}")
    # An earlier email's bounce reason no longer describes the invitation.
    Connection.objects.filter(pk=connection.pk).update(status_reason="")
    record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.resent",
        target=connection,
        summary=f"Invitation to {connection.email} sent again",
    )
    return message


@transaction.atomic
def delete_connection(*, connection: Connection, member: Member, actor) -> None:
    """Remove the connection from both sides' lists; the address may be invited again."""
    if not can_delete(member, connection):
        raise ComarketingRefused("Only the two partners (or leadership) can delete a connection.")
    deleted = Connection.objects.filter(pk=connection.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if deleted:
        record_audit(
            partnership=connection.partnership,
            actor=actor,
            action="comarketing.deleted",
            target=connection,
            summary=f"Co-marketing connection with {connection.partner or connection.email} "
            "deleted",
        )


def advance(connection: Connection, status: str, *, reason: str | None = None, **fields) -> bool:
    """Move the connection to `status` if that is further along (one conditional UPDATE)."""
    behind = STATUS_ORDER[: STATUS_ORDER.index(status)]
    if reason is not None:
        fields["status_reason"] = reason[:300]
    moved = Connection.objects.filter(
        pk=connection.pk, status__in=behind, deleted_at__isnull=True
    ).update(status=status, **fields)
    return bool(moved)


# The invitation email's status -> the connection's; bounces and refusals stay "not delivered",
# with the reason shown.
EMAIL_STATUS: dict[str, str] = {
    OutboxMessage.Status.DELIVERED: Status.DELIVERED,
    OutboxMessage.Status.OPENED: Status.OPENED,
    OutboxMessage.Status.CLICKED: Status.OPENED,
}
UNDELIVERABLE = {
    OutboxMessage.Status.BOUNCED,
    OutboxMessage.Status.REJECTED,
    OutboxMessage.Status.FAILED,
    OutboxMessage.Status.SUPPRESSED,
    OutboxMessage.Status.COMPLAINED,
}


def follow_invitation_email(message: OutboxMessage) -> None:
    """Called on every status change of an invitation email (pinnacle.mail's signal)."""
    connection = Connection.objects.filter(message=message, deleted_at__isnull=True).first()
    if connection is None:
        return
    if status := EMAIL_STATUS.get(message.status):
        advance(connection, status, reason="")
    elif message.status in UNDELIVERABLE:
        Connection.objects.filter(pk=connection.pk, status=Status.NOT_DELIVERED).update(
            status_reason=(
                f"{message.get_status_display()}: {message.status_reason}"
                if message.status_reason
                else message.get_status_display()
            )[:300]
        )


def mark_link_clicked(connection: Connection) -> bool:
    """A person saw the registration page (its small POST): the link counts as clicked."""
    if connection.message is not None:
        confirm_link_visit(connection.message)
    return advance(connection, Status.LINK_CLICKED, link_clicked_at=timezone.now())


@transaction.atomic
def accept_connection(*, connection: Connection, member: Member, actor) -> Connection:
    """An existing member of the partnership accepts the invitation sent to their address."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if connection.deleted_at is not None:
        raise ComarketingRefused("This invitation was withdrawn.")
    if member.partnership_id != connection.partnership_id:
        raise ComarketingRefused("This invitation is for another partnership.")
    if member.user.email.lower() != connection.email.lower():
        raise ComarketingRefused(
            f"This invitation was sent to {connection.email}; log in with that address."
        )
    if member.pk == connection.lender_id:
        raise ComarketingRefused("You cannot accept your own invitation.")
    if connection.is_active:
        return connection
    now = timezone.now()
    advance(connection, Status.ACTIVE, partner=member, accepted_at=now)
    connection.refresh_from_db()
    tell_lender_active(connection, member)
    record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.accepted",
        target=connection,
        summary=f"{member.display_name} accepted co-marketing with "
        f"{connection.lender.display_name}",
    )
    return connection


def tell_lender_active(connection: Connection, partner: Member) -> OutboxMessage:
    """The lender hears once that the invitee is now an Active partner (keyed per connection, so
    a retry or a double submit sends nothing more)."""
    lender, partnership = connection.lender, connection.partnership
    return queue_email(
        partnership=partnership,
        key=f"comarketing:{connection.pk}:active",
        template=PARTNER_ACTIVE_TEMPLATE,
        to=lender.email,
        context={
            "lender": lender,
            "partner": partner,
            "connection": connection,
            "connection_url": partnership.absolute_url(
                reverse("comarketing_detail", args=[connection.pk])
            ),
        },
        about=connection,
    )


@transaction.atomic
def register_partner(
    *, connection: Connection, display_name: str, password: str, profile: dict
) -> Member:
    """The invitee creates their account: a member of the partnership, of kind agent, not
    listed in the directory until leadership lists them (leadership is told). The connection
    becomes active."""
    from allauth.account.models import EmailAddress

    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if connection.deleted_at is not None or connection.is_active:
        raise ComarketingRefused("This invitation is no longer open.")
    User = get_user_model()
    if User.objects.filter(email__lower=connection.email.lower()).exists():
        raise ComarketingRefused(
            f"{connection.email} already has an account: log in to accept the invitation."
        )
    try:
        # The same password rules as every account, whoever calls (the form checks them too).
        password_validation.validate_password(password, User(email=connection.email))
    except ValidationError as exc:
        raise ComarketingRefused(" ".join(exc.messages)) from exc
    partnership = connection.partnership
    user = User.objects.create_user(email=connection.email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    member = Member.objects.create(
        partnership=partnership,
        user=user,
        slug=unique_member_slug(partnership, display_name),
        display_name=display_name.strip(),
        kind=Member.Kind.AGENT,
        is_listed=False,
        **profile,
    )
    advance(connection, Status.ACTIVE, partner=member, accepted_at=timezone.now())
    tell_lender_active(connection, member)
    record_audit(
        partnership=partnership,
        actor=user,
        action="comarketing.registered",
        target=connection,
        summary=f"{member.display_name} registered to co-market with "
        f"{connection.lender.display_name}",
    )
    _tell_leadership(connection, member)
    return member


def _tell_leadership(connection: Connection, member: Member) -> None:
    """Leadership hears of a new, unlisted agent, to review and list them."""
    partnership = connection.partnership
    for leader in Member.objects.for_partnership(partnership).filter(
        role=Member.Role.LEADERSHIP, is_active=True
    ):
        queue_email(
            partnership=partnership,
            key=f"comarketing:{connection.pk}:registered:{leader.pk}",
            template="comarketing/registered_notice",
            to=leader.email,
            context={"leader": leader, "partner": member, "lender": connection.lender},
            about=connection,
        )


@transaction.atomic
def join_with_account(*, connection: Connection, user, display_name: str, profile: dict) -> Member:
    """An invitee who already has an account (a member of another partnership) joins this one
    with it, logged in: a member of kind agent, not listed in the directory until leadership
    lists them (leadership is told), and the connection becomes Active (the lender is told).
    The connection row is locked, so a double submit makes one member."""
    connection = (
        Connection.objects.select_for_update(of=("self",))
        .select_related("partnership", "lender__user")
        .get(pk=connection.pk)
    )
    partnership = connection.partnership
    if connection.deleted_at is not None:
        raise ComarketingRefused("This invitation was withdrawn.")
    if user.email.lower() != connection.email.lower():
        raise ComarketingRefused(
            f"This invitation was sent to {connection.email}, but you are logged in as "
            f"{user.email}. Log out, then open the invitation link again."
        )
    existing = Member.objects.for_partnership(partnership).filter(user=user).first()
    if connection.is_active:
        if existing is not None and existing.pk == connection.partner_id:
            return existing
        raise ComarketingRefused("This invitation is no longer open.")
    if existing is not None:
        raise ComarketingRefused(
            f"You are already a member of {partnership.name}: accept the invitation as that member."
            if existing.is_active
            else f"Your membership in {partnership.name} ended; ask its leadership to invite "
            "you again."
        )
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ComarketingRefused("Enter your name as your partners should see it.")
    member = Member.objects.create(
        partnership=partnership,
        user=user,
        slug=unique_member_slug(partnership, display_name),
        display_name=display_name,
        kind=Member.Kind.AGENT,
        is_listed=False,
        **{name: value for name, value in profile.items() if name in PROFILE_FIELDS},
    )
    advance(connection, Status.ACTIVE, partner=member, accepted_at=timezone.now())
    tell_lender_active(connection, member)
    record_audit(
        partnership=partnership,
        actor=user,
        action="comarketing.joined_with_account",
        target=connection,
        summary=f"{member.display_name} joined {partnership.name} with their existing account "
        f"to co-market with {connection.lender.display_name}",
    )
    _tell_leadership(connection, member)
    return member
