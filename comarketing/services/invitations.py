"""Inviting co-marketing partners (who may, the addresses, the pre-filled registration data),
resending and deleting, and the invitation's status machine driven by its email and link."""

import secrets
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from comarketing.models import PREFILL_FIELDS, STATUS_ORDER, Connection, Status
from comarketing.services import ComarketingRefused
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import confirm_link_visit, queue_email
from pinnacle.tenancy import record_audit

INVITATION_TEMPLATE = "comarketing/invitation"
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
