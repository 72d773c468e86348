"""Invitations: inviting people, resending and revoking invitations, and accepting one, the only
way anyone becomes a partner member (signup is closed otherwise)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from members.models import Company, Invitation, Member, User
from members.search import refresh_search_document
from members.services import MembershipRefused
from members.services.membership import sync_staff_flag, unique_member_slug
from members.tokens import INVITATION_VALID_FOR, invitation_accept_url
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from pinnacle.models import Partnership
from pinnacle.public_pages import public_pages_changed
from pinnacle.tenancy import record_audit

RESEND_COOLDOWN_SECONDS = 60


def normalize_email(email: str) -> str:
    return email.strip().lower()


def inviter_name(invitation: Invitation) -> str:
    """How the invitation names the person who sent it: their member name in this partnership."""
    user = invitation.invited_by
    if user is None:
        return f"The leadership of {invitation.partnership.name}"
    member = user.membership_in(invitation.partnership)
    if member is not None:
        return member.display_name
    return user.get_full_name() or user.email


def check_can_invite(*, partnership: Partnership, email: str) -> Invitation | None:
    """Refuse an address that is already a member or already holds a live invitation.

    Returns the address's expired pending invitation, if any, for `invite_member` to renew.
    """
    email = normalize_email(email)
    members = Member.objects.for_partnership(partnership)
    if members.filter(user__email__lower=email, is_active=True).exists():
        raise MembershipRefused(
            f"{email} is already a member of {partnership.name}.",
            field="email",
            code="already_member",
        )
    pending = (
        Invitation.objects.for_partnership(partnership)
        .filter(email__lower=email, status=Invitation.Status.PENDING)
        .first()
    )
    if pending is not None and pending.is_usable:
        sent = date_format(timezone.localtime(pending.created_at), "N j, Y")
        raise MembershipRefused(
            f"{email} already has a pending invitation (sent {sent}). "
            "Use \u201cResend\u201d in the list below to send it again.",
            field="email",
            code="already_invited",
        )
    return pending


@transaction.atomic
def invite_member(
    *,
    partnership: Partnership,
    invited_by: User | None,
    email: str,
    display_name: str,
    kind: str,
    service_category: str,
    role: str,
    company: Company | None = None,
) -> Invitation:
    """Invite `email` to the partnership and queue the invitation email in the same transaction.

    An address with an expired pending invitation gets that invitation renewed and sent again.
    """
    email = normalize_email(email)
    if company is not None and company.partnership_id != partnership.pk:
        raise MembershipRefused("Choose a company of this partnership.", field="company")
    expired = check_can_invite(partnership=partnership, email=email)
    details = {
        "display_name": display_name.strip(),
        "kind": kind,
        "service_category": service_category,
        "role": role,
        "company": company,
        "invited_by": invited_by,
        "expires_at": timezone.now() + INVITATION_VALID_FOR,
    }
    if expired is not None:
        invitation = Invitation.objects.select_for_update().get(pk=expired.pk)
        for field, value in details.items():
            setattr(invitation, field, value)
        invitation.save(update_fields=list(details))
        action, key = "invitation.renewed", _resend_key(invitation)
    else:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    partnership=partnership, email=email, **details
                )
        except IntegrityError as exc:
            # Two leaders invited the same address at the same moment; the other one won.
            raise MembershipRefused(
                f"{email} already has a pending invitation.", field="email", code="already_invited"
            ) from exc
        action, key = "invitation.sent", f"invitation:{invitation.pk}"
    _queue_invitation_email(invitation, key=key)
    record_audit(
        partnership=partnership,
        actor=invited_by,
        action=action,
        target=invitation,
        summary=f"Invited {email} ({invitation.get_role_display()})",
        data={"email": email, "role": role, "kind": kind},
    )
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Send a pending invitation again, valid for a fresh period from now."""
    invitation = _lock(invitation)
    if invitation.status != Invitation.Status.PENDING:
        raise MembershipRefused(
            f"This invitation was {invitation.get_status_display().lower()}; "
            "only pending invitations can be sent again.",
            code="not_pending",
        )
    recently = timezone.now() - datetime.timedelta(seconds=RESEND_COOLDOWN_SECONDS)
    if _emails_about(invitation).filter(created_at__gte=recently).exists():
        raise MembershipRefused(
            f"An invitation email went to {invitation.email} less than a minute ago.",
            code="too_soon",
        )
    invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
    invitation.save(update_fields=["expires_at"])
    _queue_invitation_email(invitation, key=_resend_key(invitation))
    record_audit(
        partnership=invitation.partnership,
        actor=actor,
        action="invitation.resent",
        target=invitation,
        summary=f"Resent the invitation to {invitation.email}",
    )
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Withdraw a pending invitation: its link stops working at once."""
    invitation = _lock(invitation)
    if invitation.status != Invitation.Status.PENDING:
        raise MembershipRefused(
            f"This invitation was already {invitation.get_status_display().lower()}.",
            code="not_pending",
        )
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    record_audit(
        partnership=invitation.partnership,
        actor=actor,
        action="invitation.revoked",
        target=invitation,
        summary=f"Revoked the invitation to {invitation.email}",
    )
    return invitation


def invitation_problem(invitation: Invitation) -> MembershipRefused | None:
    """Why this invitation cannot be accepted now, or None when it can."""
    if invitation.status == Invitation.Status.ACCEPTED:
        return MembershipRefused("This invitation has already been accepted.", code="accepted")
    if invitation.status == Invitation.Status.REVOKED:
        return MembershipRefused(
            f"This invitation was withdrawn by the leadership of {invitation.partnership.name}.",
            code="revoked",
        )
    if invitation.is_expired:
        expired = date_format(timezone.localtime(invitation.expires_at), "N j, Y")
        return MembershipRefused(f"This invitation expired on {expired}.", code="expired")
    return None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Member:
    """Make `user` a member of the invitation's partnership, exactly once.

    The invitation row is locked, so a double submit or two tabs create one membership. A user may
    belong to several partnerships: an existing account simply gains this membership.
    """
    invitation = _lock(invitation)
    if problem := invitation_problem(invitation):
        raise problem
    if normalize_email(user.email) != invitation.email.lower():
        raise MembershipRefused(
            f"This invitation was sent to {invitation.email}, "
            f"but you are signed in as {user.email}.",
            code="wrong_user",
        )
    partnership = invitation.partnership
    member = (
        Member.objects.for_partnership(partnership).select_for_update().filter(user=user).first()
    )
    if member is None:
        member = _create_member(invitation, user)
    elif not member.is_active:
        # A former member invited back: the invitation says what they are now.
        member.is_active = True
        member.kind = invitation.kind
        member.service_category = invitation.service_category
        member.role = invitation.role
        member.company = invitation.company
        member.save(
            update_fields=["is_active", "kind", "service_category", "role", "company", "updated_at"]
        )
    sync_staff_flag(user)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.member = member
    invitation.save(update_fields=["status", "accepted_at", "member"])
    refresh_search_document([member.pk])
    public_pages_changed(partnership)
    record_audit(
        partnership=partnership,
        actor=user,
        action="invitation.accepted",
        target=invitation,
        summary=f"{member.display_name} ({user.email}) joined as "
        f"{member.get_role_display().lower()}",
        data={"member_id": member.pk},
    )
    return member


def _create_member(invitation: Invitation, user: User) -> Member:
    display_name = (
        invitation.display_name or user.get_full_name() or invitation.email.split("@", 1)[0]
    )
    company = invitation.company
    if company is not None and company.partnership_id != invitation.partnership_id:
        company = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Member.objects.create(
                    partnership=invitation.partnership,
                    user=user,
                    display_name=display_name,
                    slug=unique_member_slug(invitation.partnership, display_name),
                    kind=invitation.kind,
                    service_category=invitation.service_category,
                    role=invitation.role,
                    company=company,
                )
        except IntegrityError:
            # Someone with the same name joined between our slug check and insert: try again.
            continue
    raise MembershipRefused("Could not create your profile right now; please try again.")


def _lock(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "company", "invited_by")
        .get(pk=invitation.pk)
    )


def _emails_about(invitation: Invitation):
    return OutboxMessage.objects.for_partnership(invitation.partnership).filter(
        content_type=ContentType.objects.get_for_model(Invitation), object_id=invitation.pk
    )


def _resend_key(invitation: Invitation) -> str:
    # The invitation row is locked by the caller, so the count cannot race.
    return f"invitation:{invitation.pk}:resend:{_emails_about(invitation).count()}"


def _queue_invitation_email(invitation: Invitation, *, key: str) -> OutboxMessage:
    inviter = invitation.invited_by
    return queue_email(
        partnership=invitation.partnership,
        key=key,
        template="members/invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "inviter_name": inviter_name(invitation),
            "accept_url": invitation_accept_url(invitation),
        },
        reply_to=inviter.email if inviter is not None else "",
        about=invitation,
    )


# --- The member's own profile --------------------------------------------------------------------

# Uploaded image field -> its stored thumbnail field.
