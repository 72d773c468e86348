"""django-allauth hooks: invitation-only signup, and allauth's emails through the outbox.

- Signup is open only to a visitor whose session holds a usable invitation for this host's
  partnership (stashed by the invitation page), and only for the invited address. The new
  account's email counts as verified (the invitation link proved it) and the membership is created
  in the same transaction as the user, so there is never an account without its membership.
- An existing account accepting an invitation to another partnership logs in here before it is a
  member; `authenticate` lets exactly that person through (password still checked). The same
  holds for a higher app's invitation (a co-marketing one) through `extensions.login_invitations`.
- `get_client_ip` is `pinnacle.http.client_ip`, so allauth's per-IP limits count the visitor
  behind the trusted proxies, as every other limit does.
- `send_mail` renders allauth's message in the request and queues it with `queue_email`, so
  password resets are stored, delivered and tracked like every other email.
"""

from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from members import services
from members.extensions import login_invitations
from members.tokens import clear_stashed_invitation, stashed_invitation
from pinnacle.http import client_ip
from pinnacle.mail.services import queue_email, render_text
from pinnacle.membership import request_membership
from pinnacle.refusals import refused_into

MEMBER_BACKEND = "members.auth.PartnershipMemberBackend"


def _usable_invitation(request):
    invitation = stashed_invitation(request) if request is not None else None
    return invitation if invitation is not None and invitation.is_usable else None


def _may_log_in_invited(request, email: str) -> bool:
    """Whether `email` is the address of an invitation this visitor is accepting on this host:
    the partnership's own, or a higher app's (a co-marketing invitation)."""
    if not email or request is None:
        return False
    invitation = _usable_invitation(request)
    if invitation is not None and email.strip().lower() == invitation.email.lower():
        return True
    return login_invitations.allow(request, email)


def _is_signup(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "account_signup"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return _usable_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        # Signup is closed without a stashed invitation (is_open_for_signup, save_user), and the
        # stash is cleared once accepted, so only the signup form's own email is checked here.
        invitation = stashed_invitation(request) if request and _is_signup(request) else None
        if invitation is not None and email.strip().lower() != invitation.email.lower():
            raise ValidationError(
                f"Sign up with the address your invitation was sent to: {invitation.email}."
            )
        return email

    def save_user(self, request, user, form, commit=True):
        if not commit:
            return super().save_user(request, user, form, commit=False)
        invitation = stashed_invitation(request)
        if invitation is None:
            raise ImmediateHttpResponse(render(request, "account/signup_closed.html", status=403))
        # Revoked or expired between opening the page and submitting: no account is created.
        with refused_into() as joining, transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            services.accept_invitation(invitation=invitation, user=user)
        if joining.refused:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "members/invitation_invalid.html",
                    {"reason": joining.refusal.message},
                    status=410,
                )
            ) from joining.refusal
        clear_stashed_invitation(request)
        return user

    def authenticate(self, request, **credentials):
        email = (credentials.get("email") or "").strip().lower()
        if not _may_log_in_invited(request, email):
            return super().authenticate(request, **credentials)
        # The invited person may not be a member of this partnership yet, so the member backend
        # would refuse them; check their password with allauth's plain backend instead.
        self.pre_authenticate(request, **credentials)
        AuthenticationBackend.unstash_authenticated_user()
        user = AuthenticationBackend().authenticate(request, **credentials)
        user = user or AuthenticationBackend.unstash_authenticated_user()
        if user is None:
            self.authentication_failed(request, **credentials)
            return None
        self._rollback_login_failed_rl_usage()
        user.backend = MEMBER_BACKEND
        return user

    def pre_login(self, request, user, **kwargs):
        """Every way in (password, reset link, signup) needs a membership on this host, or the
        invitation being accepted; a reset link mailed from another partnership's host is no
        back door."""
        refused = (
            not user.is_superuser
            and user.is_active
            and user.membership_in(getattr(request, "partnership", None)) is None
            and _usable_invitation(request) is None
            and not login_invitations.allow(request, user.email)
        )
        if refused:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(
                request,
                f"{user.email} is not a member of {request.partnership.name}. "
                "Log in on your own partnership's site.",
            )
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request) -> str:
        """Members land on their dashboard; staff who are no member of this partnership (a
        superuser) on the admin, where their work is, instead of the dashboard's 404."""
        if request.user.is_staff and request_membership(request) is None:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count: the one every limit and stored address uses
        (through the trusted proxies only)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        partnership = getattr(request, "partnership", None)
        if partnership is None:
            return super().send_mail(template_prefix, email, context)
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "partnership": partnership,
            **context,
        }
        subject = render_text(f"{template_prefix}_subject.txt", ctx, request)
        subject = self.format_email_subject(" ".join(subject.split()))
        body = render_text(f"{template_prefix}_message.txt", ctx, request).strip()
        name = template_prefix.rsplit("/", 1)[-1]
        queue_email(
            partnership=partnership,
            key=f"allauth:{name}:{uuid.uuid4().hex}",
            template="account/generic",
            to=email,
            context={"subject": subject, "body": body},
        )
        return None
