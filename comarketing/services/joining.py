"""The invitee joins: accepting as a member here, registering a new account, or joining with an
account from another partnership; each makes the connection Active, and the lender (and, for a
new unlisted agent, leadership) hears of it."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comarketing.models import PROFILE_FIELDS, Connection, Status
from comarketing.services import ComarketingRefused
from comarketing.services.invitations import advance
from members.models import Member
from members.services import unique_member_slug
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

PARTNER_ACTIVE_TEMPLATE = "comarketing/partner_active"


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
