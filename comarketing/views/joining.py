"""The invitee's side of a co-marketing invitation: the registration page behind the link, the
small POST that tells a person (not a link scanner) saw it, and accepting as a member here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from comarketing import selectors, services
from comarketing.forms import (
    PartnerDetailsForm,
    RegistrationForm,
)
from comarketing.models import Connection
from comarketing.views.invitation_login import clear_stash, stash_for_login
from members.auth import member_required
from members.models import Member
from pinnacle.membership import request_membership
from pinnacle.refusals import refused_into

MEMBER_BACKEND = "members.auth.PartnershipMemberBackend"


def _join_step(request, connection: Connection, member: Member | None) -> str:
    """What the invitation page offers this visitor: "accept" (the invited member, logged in),
    "confirm" (the invited address logged in with an account from another partnership),
    "wrong_user" (logged in as someone else), "login" (the address has an account: log in
    first), or "register" (a new account)."""
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != connection.email.lower():
            return "wrong_user"
        return "accept" if member is not None else "confirm"
    if get_user_model().objects.filter(email__lower=connection.email.lower()).exists():
        return "login"
    return "register"


def join(request, token):
    """The invitation link: register; or log in and accept (a member here) or confirm joining
    this partnership with an account from another. A link scanner's GET changes nothing; the
    page confirms a person is here with a small POST."""
    connection = selectors.invitation_for(partnership=request.partnership, token=token)
    if connection.is_active:
        return render(request, "comarketing/join_done.html", {"connection": connection})
    member = request_membership(request)
    step = _join_step(request, connection, member)
    initial = dict(connection.prefill)
    if step == "confirm":
        initial.setdefault("first_name", request.user.first_name)
        initial.setdefault("last_name", request.user.last_name)
    form_class = PartnerDetailsForm if step == "confirm" else RegistrationForm
    posted = request.method == "POST" and step in ("register", "confirm")
    form = form_class(request.POST if posted else None, initial=initial)
    status = 200
    if request.method == "POST" and step == "login":
        stash_for_login(request, connection)
        messages.info(
            request,
            f"Log in with your existing password for {connection.email} to accept "
            f"{connection.lender.display_name}'s invitation.",
        )
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    if posted and form.is_valid() and _joined(request, connection, step, form):
        messages.success(
            request,
            f"Welcome to {request.partnership.name}! You and "
            f"{connection.lender.display_name} are now co-marketing partners. Complete your "
            "profile so you appear on your shared projects.",
        )
        return redirect("profile_edit")
    if form.errors:
        status = 400
    elif request.method == "POST" and step == "wrong_user":
        status = 409
    return render(
        request,
        "comarketing/join.html",
        {"connection": connection, "form": form, "step": step},
        status=status,
    )


def _joined(request, connection: Connection, step: str, form) -> bool:
    """Register a new account ("register") or join with the logged-in one ("confirm") from the
    form's details; False when refused (the form then says why)."""
    with refused_into(form) as joining:
        if step == "register":
            new_member = services.register_partner(
                connection=connection,
                display_name=form.display_name,
                password=form.cleaned_data["password1"],
                profile=form.profile_fields(),
            )
            login(request, new_member.user, backend=MEMBER_BACKEND)
        else:
            services.join_with_account(
                connection=connection,
                user=request.user,
                display_name=form.display_name,
                profile=form.profile_fields(),
            )
            clear_stash(request)
    return not joining.refused


@require_POST
def join_seen(request, token):
    connection = selectors.invitation_for(partnership=request.partnership, token=token)
    services.mark_link_clicked(connection)
    return render(request, "leads/_access_confirmed.html")


@require_POST
@member_required
def accept(request, token):
    connection = selectors.invitation_for(partnership=request.partnership, token=token)
    with refused_into(request) as accepting:
        services.accept_connection(connection=connection, member=request.member, actor=request.user)
    if accepting.refused:
        return redirect("comarketing_join", token=token)
    messages.success(
        request, f"You and {connection.lender.display_name} are now co-marketing partners."
    )
    return redirect("comarketing")
