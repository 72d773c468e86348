"""Co-marketing use cases. Who may do what is decided here, for every caller:

- lenders (and leadership) invite, resend and edit; agents and allied resources may delete a
  connection they are part of, but not invite or edit;
- a status only moves forward, driven by real events: the invitation email's delivery and
  opens (ESP webhooks), the registration page seen by a person (a POST from that page, never a
  link scanner's GET), the account created or the connection accepted.
"""

from __future__ import annotations

import datetime
import secrets
from email.utils import parseaddr

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from comarketing.models import PREFILL_FIELDS, STATUS_ORDER, Connection, SharedLead, Status
from leads.models import Lead
from members.models import Member
from members.services import unique_member_slug, update_profile
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import confirm_link_visit, find_suppression, queue_email
from pinnacle.tenancy import record_audit

INVITATION_TEMPLATE = "comarketing/invitation"
MAX_ADDRESSES = 25


class ComarketingRefused(Exception):
    """Not allowed by the co-marketing rules; the message is written for the person asking."""


def can_invite(member: Member) -> bool:
    """Lenders invite and edit; leadership may do all of it for their partnership."""
    return member.is_active and (member.kind == Member.Kind.LENDER or member.is_leadership)


def can_delete(member: Member, connection: Connection) -> bool:
    """Either side of a connection may delete it, and leadership may."""
    if member.partnership_id != connection.partnership_id:
        return False
    return member.is_leadership or member.pk in (connection.lender_id, connection.partner_id)


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
EMAIL_STATUS = {
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
    if connection.message_id:
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
    record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.accepted",
        target=connection,
        summary=f"{member.display_name} accepted co-marketing with "
        f"{connection.lender.display_name}",
    )
    return connection


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
    record_audit(
        partnership=partnership,
        actor=user,
        action="comarketing.registered",
        target=connection,
        summary=f"{member.display_name} registered to co-market with "
        f"{connection.lender.display_name}",
    )
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
    return member


# --- Editing a partner's marketing profile ----------------------------------------------------

# Plain profile fields a lender may edit for a partner (images stay the partner's own).
EDITABLE_PROFILE_FIELDS = [
    "display_name",
    "job_title",
    "cell_phone",
    "office_phone",
    "employer",
    "license_number",
    "mls_market",
    "mls_agent_id",
    "street_address",
    "city",
    "state",
    "postal_code",
    "timezone",
]
PROFILE_EDITED_TEMPLATE = "comarketing/profile_edited"


def partner_edit_refusal(editor: Member, connection: Connection) -> str | None:
    """Why `editor` may not edit the partner's marketing profile now, or None if they may.
    policy: "Edit ... will be present only if your organization has opted in"; the partner's
    own "Allows Profile Updates" consent is needed too; agents cannot edit, leadership may."""
    if editor.partnership_id != connection.partnership_id:
        return "This connection is not in your partnership."
    if not (editor.is_leadership or (can_invite(editor) and editor.pk == connection.lender_id)):
        return (
            "Only the lender of this connection (or leadership) edits a partner's marketing "
            "profile; agents cannot."
        )
    if connection.deleted_at is not None or not connection.is_active or not connection.partner:
        return "Only an active co-marketing partner's profile can be edited."
    company = connection.lender.company
    if company is None or not company.allows_profile_updates:
        return (
            f"{connection.lender.display_name}'s organization has not opted in to editing "
            "co-marketing partners' profiles."
        )
    if not connection.partner.allows_profile_updates:
        return (
            f"{connection.partner.display_name} has not allowed profile updates; they can allow "
            "them on their own profile."
        )
    return None


@transaction.atomic
def edit_partner_profile(
    *, connection: Connection, editor: Member, changes: dict, actor
) -> dict[str, tuple[str, str]]:
    """Apply `changes` to the active partner's marketing profile (audited, search document
    refreshed) and email the partner each field's old and new value. Returns what changed,
    {field: (old, new)}; nothing changed sends nothing."""
    connection = (
        Connection.objects.select_for_update(of=("self",))
        .select_related("lender__company", "partner__user", "partnership")
        .get(pk=connection.pk)
    )
    if refusal := partner_edit_refusal(editor, connection):
        raise ComarketingRefused(refusal)
    if unknown := sorted(set(changes) - set(EDITABLE_PROFILE_FIELDS)):
        raise ComarketingRefused(f"These profile fields cannot be edited: {', '.join(unknown)}.")
    partner = (
        Member.objects.select_for_update().select_related("user").get(pk=connection.partner_id)
    )
    new_values = {}
    for name, value in changes.items():
        field = Member._meta.get_field(name)
        value = " ".join(str(value or "").split()) if name == "display_name" else str(value or "")
        value = value.strip()
        try:
            new_values[name] = field.clean(value, partner)
        except ValidationError as exc:
            raise ComarketingRefused(
                f"{capfirst(field.verbose_name)}: {' '.join(exc.messages)}"
            ) from exc
    changed = {
        name: (getattr(partner, name), value)
        for name, value in new_values.items()
        if getattr(partner, name) != value
    }
    if not changed:
        return {}
    update_profile(
        member=partner,
        fields={name: new for name, (_, new) in changed.items()},
        image_changes={},
        actor=actor,
    )
    event = record_audit(
        partnership=connection.partnership,
        actor=actor,
        action="comarketing.profile_edited",
        target=partner,
        summary=f"{editor.display_name} edited {partner.display_name}'s marketing profile",
        data={"connection": connection.pk, "changes": {n: list(v) for n, v in changed.items()}},
    )
    queue_email(
        partnership=connection.partnership,
        key=f"comarketing:{connection.pk}:profile-edited:{event.pk}",
        template=PROFILE_EDITED_TEMPLATE,
        to=partner.email,
        context={
            "partner": partner,
            "editor": editor,
            "changes": [
                (capfirst(Member._meta.get_field(name).verbose_name), old, new)
                for name, (old, new) in changed.items()
            ],
            "profile_url": connection.partnership.absolute_url(reverse("profile_edit")),
        },
        sender_name=editor.display_name,
        reply_to=editor.email,
        about=connection,
    )
    return changed


# --- Sharing leads ----------------------------------------------------------------------------

LEAD_SHARED_TEMPLATE = "comarketing/lead_shared"
MAX_NOTE_LENGTH = 2000


@transaction.atomic
def share_lead(
    *, connection: Connection, lead: Lead, member: Member, note: str, actor
) -> SharedLead:
    """One partner of an active connection shares a lead with the other, with a note: the
    partner is emailed and the lead appears under their "Leads shared with you". Once per lead
    and partner. Sharing sends nothing to the lead and records no outreach attempt: opt-outs
    and the outreach rules apply to whatever either partner does next."""
    connection = (
        Connection.objects.select_for_update(of=("self",))
        .select_related("lender__user", "partner__user", "partnership")
        .get(pk=connection.pk)
    )
    if member.pk not in (connection.lender_id, connection.partner_id):
        raise ComarketingRefused("Only the two partners of a connection share leads through it.")
    if connection.deleted_at is not None or not connection.is_active:
        raise ComarketingRefused("Leads are shared with active co-marketing partners only.")
    if lead.partnership_id != connection.partnership_id:
        raise ComarketingRefused("This lead is not in your partnership.")
    partnership = connection.partnership
    # policy: opt-outs still apply to both partners: an opted-out lead is not passed on.
    suppression = find_suppression(partnership=partnership, email=lead.email)
    if suppression is not None and suppression.is_opt_out:
        raise ComarketingRefused(
            f"{lead.name} opted out of outreach from {partnership.name}: they cannot be shared "
            "with a partner."
        )
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ComarketingRefused(f"Keep the note under {MAX_NOTE_LENGTH} characters.")
    other = connection.partner if member.pk == connection.lender_id else connection.lender
    try:
        with transaction.atomic():
            shared = SharedLead.objects.create(
                partnership=partnership,
                connection=connection,
                lead=lead,
                shared_by=member,
                shared_with=other,
                note=note,
            )
    except IntegrityError as exc:
        raise ComarketingRefused(
            f"You already shared {lead.name} with {other.display_name}."
        ) from exc
    queue_email(
        partnership=partnership,
        key=f"comarketing:shared-lead:{shared.pk}",
        template=LEAD_SHARED_TEMPLATE,
        to=other.email,
        context={
            "partner": other,
            "sharer": member,
            "lead": lead,
            "note": note,
            "lead_url": partnership.absolute_url(lead.get_absolute_url()),
            "connection_url": partnership.absolute_url(
                reverse("comarketing_detail", args=[connection.pk])
            ),
        },
        sender_name=member.display_name,
        reply_to=member.email,
        about=shared,
    )
    record_audit(
        partnership=partnership,
        actor=actor,
        action="comarketing.lead_shared",
        target=connection,
        summary=f"{member.display_name} shared the lead {lead.name} with {other.display_name}",
        data={"lead": lead.pk, "shared_with": other.pk},
    )
    return shared


# --- Reminders ---------------------------------------------------------------------------------

SWEEP_BATCH = 200


def reminder_days(partnership) -> list[int]:
    return sorted(
        {
            partnership.comarketing_first_reminder_days,
            partnership.comarketing_second_reminder_days,
        }
    )


@transaction.atomic
def sweep_reminders() -> tuple[int, int]:
    """Beat's sweep. policy: a pending invitation gets a reminder after 3 days and again after
    7; an accepted partner whose profile is incomplete gets one 3 and 7 days after accepting.
    Each goes once (keyed); none once registered, completed or deleted. Returns (pending,
    profile) reminders queued."""
    from members.selectors import profile_progress

    now = timezone.now()
    pending_sent = profile_sent = 0
    earliest = now - datetime.timedelta(days=1)
    pending = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deleted_at__isnull=True, accepted_at__isnull=True, invited_at__lte=earliest)
        .exclude(pending_reminders_sent__gte=2)
        .select_related("partnership", "lender__user")
        .order_by("invited_at")[:SWEEP_BATCH]
    )
    for connection in pending:
        days = reminder_days(connection.partnership)
        due = sum(1 for d in days if connection.invited_at + datetime.timedelta(days=d) <= now)
        if due > connection.pending_reminders_sent:
            queue_email(
                partnership=connection.partnership,
                key=f"comarketing:{connection.pk}:pending-reminder:{due}",
                template="comarketing/pending_reminder",
                to=connection.email,
                context=invitation_context(lender=connection.lender, url=join_url(connection)),
                sender_name=connection.lender.display_name,
                reply_to=connection.lender.email,
                about=connection,
            )
            Connection.objects.filter(pk=connection.pk).update(pending_reminders_sent=due)
            pending_sent += 1
    accepted = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deleted_at__isnull=True, accepted_at__isnull=False, accepted_at__lte=earliest)
        .exclude(profile_reminders_sent__gte=2)
        .select_related("partnership", "lender__user", "partner__user")
        .order_by("accepted_at")[:SWEEP_BATCH]
    )
    for connection in accepted:
        days = reminder_days(connection.partnership)
        due = sum(1 for d in days if connection.accepted_at + datetime.timedelta(days=d) <= now)
        if due <= connection.profile_reminders_sent:
            continue
        progress = profile_progress(connection.partner)
        if not progress.missing:
            continue
        queue_email(
            partnership=connection.partnership,
            key=f"comarketing:{connection.pk}:profile-reminder:{due}",
            template="comarketing/profile_reminder",
            to=connection.partner.email,
            context={
                "partner": connection.partner,
                "lender": connection.lender,
                "progress": progress,
                "profile_url": connection.partnership.absolute_url(reverse("profile_edit")),
            },
            about=connection,
        )
        Connection.objects.filter(pk=connection.pk).update(profile_reminders_sent=due)
        profile_sent += 1
    return pending_sent, profile_sent
