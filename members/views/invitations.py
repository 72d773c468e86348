"""Invitations: leadership invites partner members; invitees accept from the emailed link."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from members import selectors, services
from members.auth import leadership_required
from members.forms import InvitationForm
from members.models import Company, Invitation, User
from members.tokens import read_invitation_token, stash_invitation
from pinnacle.mail.models import STATUS_TONE, OutboxMessage
from pinnacle.refusals import refused_into

INVITATIONS_PER_PAGE = 25


@leadership_required
def invitation_list(request):
    form = InvitationForm(
        request.POST or None, companies=Company.objects.for_partnership(request.partnership)
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as inviting:
            invitation = services.invite_member(
                partnership=request.partnership, invited_by=request.user, **form.cleaned_data
            )
        if not inviting.refused:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("member_invitations")
    page = Paginator(
        selectors.invitations_for_list(request.partnership), INVITATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for invitation in page.object_list:
        status = invitation.email_status
        invitation.email_status_label = OutboxMessage.Status(status).label if status else ""
        invitation.email_status_class = STATUS_TONE.get(status, "") if status else ""
    return render(
        request,
        "members/invitations.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@require_POST
@leadership_required
def invitation_resend(request, pk):
    invitation = selectors.invitation_for(request.member, pk)
    with refused_into(request) as resending:
        services.resend_invitation(invitation=invitation, actor=request.user)
    if not resending.refused:
        messages.success(request, f"Invitation sent again to {invitation.email}.")
    return redirect("member_invitations")


@require_POST
@leadership_required
def invitation_revoke(request, pk):
    invitation = selectors.invitation_for(request.member, pk)
    with refused_into(request) as revoking:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    if not revoking.refused:
        messages.success(
            request, f"Invitation to {invitation.email} revoked; its link no longer works."
        )
    return redirect("member_invitations")


def _invalid(request, reason: str, *, status: int):
    return render(request, "members/invitation_invalid.html", {"reason": reason}, status=status)


def _next_step(user, invitation: Invitation) -> str:
    """What the invitee does next: accept (logged in as the invited address), log in (that
    address has an account), sign up, or log out first (logged in as someone else)."""
    if user.is_authenticated:
        return "accept" if user.email.lower() == invitation.email.lower() else "wrong_user"
    if User.objects.filter(email__lower=invitation.email.lower()).exists():
        return "login"
    return "signup"


def accept_invitation(request, token):
    """GET shows the invitation (scanners fetch links: nothing changes); the button POSTs."""
    try:
        invitation_id, email = read_invitation_token(token)
    except signing.BadSignature:
        return _invalid(request, "This invitation link is not valid or has expired.", status=404)
    invitation = selectors.invitation_to_accept(
        partnership=request.partnership, pk=invitation_id, email=email
    )
    if invitation is None:
        return _invalid(request, "This invitation link is not valid.", status=404)
    user = request.user
    if (
        invitation.status == Invitation.Status.ACCEPTED
        and user.is_authenticated
        and invitation.member_id is not None
        and invitation.member.user_id == user.pk
    ):
        messages.info(request, f"You are already a member of {request.partnership.name}.")
        return redirect("dashboard")
    if problem := services.invitation_problem(invitation):
        return _invalid(request, problem.message, status=410)

    step = _next_step(user, invitation)
    if request.method == "POST":
        if step == "accept":
            with refused_into() as accepting:
                member = services.accept_invitation(invitation=invitation, user=user)
            if accepting.refused:
                return _invalid(request, accepting.refusal.message, status=410)
            messages.success(request, f"Welcome to {invitation.partnership.name}, {member}!")
            return redirect("dashboard")
        if step == "login":
            stash_invitation(request, invitation)
            messages.info(
                request,
                f"Log in with your existing password for {invitation.email} "
                f"to join {invitation.partnership.name}.",
            )
            query = urlencode({"next": request.path})
            return redirect(f"{reverse('account_login')}?{query}")
        if step == "signup":
            stash_invitation(request, invitation)
            get_adapter(request).stash_verified_email(request, invitation.email)
            return redirect("account_signup")

    return render(
        request,
        "members/invitation_accept.html",
        {
            "invitation": invitation,
            "inviter_name": services.inviter_name(invitation),
            "step": step,
        },
        status=409 if step == "wrong_user" and request.method == "POST" else 200,
    )
