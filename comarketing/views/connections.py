"""The co-marketing partners menu, inviting, a connection's page and editing the partner, and
sharing a lead with a partner."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from comarketing import selectors, services
from comarketing.forms import (
    InviteForm,
    PartnerProfileForm,
    PrefillForm,
    ShareLeadForm,
)
from comarketing.models import Connection, Media
from leads.selectors.lists import lead_for
from members.auth import member_required
from members.models import Member
from members.selectors import profile_progress
from pinnacle.mail.services import preview_email
from pinnacle.refusals import refused_into

CONNECTIONS_PER_PAGE = 25
SHARED_LEADS_PER_PAGE = 25
MEDIA_PER_PAGE = 25


def _connections_for(member: Member):
    """The keys (and invitation times) of the connections a member manages (lenders: theirs;
    leadership: all) or is part of, newest invitation first, through the menu's indexes (the
    lender's side, the partner's side, all of the partnership's)."""
    rows = Connection.objects.for_partnership(member.partnership).filter(deleted_at__isnull=True)
    if member.is_leadership:
        return rows.order_by("-invited_at", "-pk").values_list("pk", "invited_at")
    # Each side in order from its own index, merged (with an OR, the planner walks all of the
    # partnership's connections newest first looking for the member's).
    lent = rows.filter(lender=member).values_list("pk", "invited_at")
    joined = rows.filter(partner=member).exclude(lender=member).values_list("pk", "invited_at")
    return lent.union(joined, all=True).order_by("-invited_at", "-pk")


def _page_of_connections(member: Member, number) -> Page:
    """The menu's page: its keys first (from an index, no join), then those rows with their
    lender, partner and invitation email by key. Read in one query with the joins, the planner
    joins every member of the partnership to sort the member's few connections, or walks all
    of the partnership's for leadership's page."""
    page = Paginator(_connections_for(member), CONNECTIONS_PER_PAGE).get_page(number)
    keys = [key for key, _ in page.object_list]
    rows = (
        Connection.objects.for_partnership(member.partnership)
        .filter(pk__in=keys)
        .select_related("lender__company", "partner__user", "message")
    )
    by_key = {connection.pk: connection for connection in rows}
    # A connection deleted between the two reads (its member removed) is simply not shown.
    page.object_list = [by_key[key] for key in keys if key in by_key]
    return page


@member_required
def menu(request):
    member = request.member
    page = _page_of_connections(member, request.GET.get("page"))
    for connection in page.object_list:
        connection.partnership = request.partnership  # the same row: no query per connection
        connection.progress = profile_progress(connection.partner) if connection.partner else None
        connection.join_url = services.join_url(connection)
        connection.mailto = _private_email(connection)
        connection.can_edit = services.partner_edit_refusal(member, connection) is None
    return render(
        request,
        "comarketing/menu.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "can_invite": services.can_invite(member),
        },
    )


def _private_email(connection: Connection) -> str:
    """A mailto: link addressed to the pending invitee, the registration link in subject and
    body, for the lender's own mail client."""
    subject = f"Your {connection.partnership.name} co-marketing invitation: {connection.join_url}"
    body = (
        f"Hello,\n\nHere is the link to register as my co-marketing partner:\n"
        f"{connection.join_url}\n\n{connection.lender.display_name}"
    )
    return f"mailto:{connection.email}?subject={quote(subject)}&body={quote(body)}"


@member_required
def invite(request):
    member = request.member
    if not services.can_invite(member):
        messages.error(
            request,
            "Only lenders invite co-marketing partners. As an agent you can delete a connection "
            "from the list below.",
        )
        return redirect("comarketing")
    form = InviteForm(request.POST or None)
    prefill_form = PrefillForm(request.POST or None, prefix="prefill")
    q = request.GET.get("q", "")
    contacts = selectors.invitation_contacts(member, q)
    preview = None
    prefill: dict = {}
    prefilling = False
    recipients: list = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if form.is_valid():
            with refused_into(form, field="addresses"):
                emails = services.parse_addresses(form.cleaned_data["addresses"])
                # policy: "Next" pre-fills registration data only when the organization opted
                # in; with several addresses it goes straight to the Send Invitation page.
                may_prefill = len(emails) == 1 and services.can_prefill(member)
                if may_prefill and (action == "next" or not prefill_form.is_valid()):
                    prefilling = True
                elif action == "send":
                    return _send_invitations(request, emails, prefill_form)
                else:
                    prefill = prefill_form.prefill() if may_prefill else {}
                    preview = _invitation_preview(request, emails[0], prefill)
                # The next step posts every address, the chosen contacts included; an address
                # of one of the member's contacts shows whose it is.
                form = InviteForm(initial={"addresses": ", ".join(emails)})
                form.emails = emails
                names = {c.email.lower(): c for c in selectors.find_contacts(member, emails=emails)}
                recipients = [(email, names.get(email)) for email in emails]
        if form.errors:
            status = 400
    return render(
        request,
        "comarketing/invite.html",
        {
            "form": form,
            "contacts": contacts,
            "q": q,
            "preview": preview,
            "recipients": recipients,
            "prefill": prefill,
            "prefilling": prefilling,
            "prefill_form": prefill_form,
            "prefill_fields": [
                (prefill_form[name].label, value) for name, value in prefill.items()
            ],
            "can_prefill": services.can_prefill(member),
        },
        status=400 if prefilling and prefill_form.errors else status,
    )


def _send_invitations(request, emails: list[str], prefill_form):
    sent = services.invite_partners(
        lender=request.member,
        emails=emails,
        actor=request.user,
        prefill=prefill_form.prefill() if prefill_form.is_valid() else None,
    )
    messages.success(
        request,
        f"Invitation sent to {', '.join(c.email for c in sent)}. Its status "
        "follows the email: delivered, opened, link clicked, then Active.",
    )
    return redirect("comarketing")


def _invitation_preview(request, email: str, prefill: dict):
    """The invitation exactly as `email` would read it, before the lender sends it."""
    member = request.member
    return preview_email(
        partnership=request.partnership,
        template=services.INVITATION_TEMPLATE,
        to=email,
        context=services.invitation_context(
            lender=member,
            url=request.partnership.absolute_url("/comarketing/join/…/"),
            prefill=prefill,
        ),
        sender_name=member.display_name,
        reply_to=member.email,
    )


@require_POST
@member_required
def resend(request, pk):
    connection = selectors.connection_for(request.member, pk)
    with refused_into(request) as resending:
        services.resend_invitation(connection=connection, member=request.member, actor=request.user)
    if not resending.refused:
        messages.success(request, f"The invitation went to {connection.email} again, same link.")
    return redirect("comarketing")


@member_required
def delete(request, pk):
    connection = selectors.connection_for(request.member, pk)
    if request.method == "POST":
        with refused_into(request) as deleting:
            services.delete_connection(
                connection=connection, member=request.member, actor=request.user
            )
        if not deleting.refused:
            messages.success(
                request,
                f"Removed {connection.partner or connection.email}. You can invite them again "
                "with \u201cInvite New Connections\u201d.",
            )
        return redirect("comarketing")
    return render(request, "comarketing/delete.html", {"connection": connection})


@member_required
def detail(request, pk):
    """The connection overview: the partner's contact and company info, the media created
    together, and the leads shared both ways."""
    connection = selectors.connection_for(request.member, pk)
    if not connection.is_active:
        messages.info(
            request, f"{connection.email} has not registered yet: the overview opens once active."
        )
        return redirect("comarketing")
    member = request.member
    connection.partnership = request.partnership
    is_party = connection.has_party(member)
    # Leadership looking at someone else's connection sees it from the lender's side.
    me = member if is_party else connection.lender
    partner = selectors.other_side(connection, me)
    received = Paginator(
        selectors.shared_leads(connection, shared_with=me), SHARED_LEADS_PER_PAGE
    ).get_page(request.GET.get("received"))
    sent = Paginator(
        selectors.shared_leads(connection, shared_by=me), SHARED_LEADS_PER_PAGE
    ).get_page(request.GET.get("sent"))
    media = Paginator(selectors.connection_media(connection), MEDIA_PER_PAGE).get_page(
        request.GET.get("media")
    )
    for item in media.object_list:
        _add_media_links(item, request.partnership)
    return render(
        request,
        "comarketing/detail.html",
        {
            "connection": connection,
            "partner": partner,
            "me": me,
            "is_party": is_party,
            "progress": profile_progress(partner),
            "company_logo": _logo_url(partner),
            "received": received,
            "sent": sent,
            "media": media,
            "can_make_media": services.media_refusal(member, connection) is None,
            "received_heading": "Leads shared with you"
            if is_party
            else f"Leads shared with {me.display_name}",
            "sent_heading": "Leads you shared" if is_party else f"Leads {me.display_name} shared",
            "can_edit": services.partner_edit_refusal(member, connection) is None
            and partner == connection.partner,
        },
    )


def _add_media_links(media: Media, partnership) -> None:
    """The overview's links for one media: its public page and embed code, or its PDF."""
    if media.kind in services.PUBLIC_KINDS:
        media.page_url = partnership.absolute_url(
            reverse("comarketing_media_page", args=[media.slug])
        )
        media.embed_url = partnership.absolute_url(
            reverse("comarketing_media_embed", args=[media.slug])
        )
    if media.kind == Media.Kind.FLYER:
        media.pdf_url = reverse("comarketing_media_flyer", args=[media.pk])


def _logo_url(member: Member) -> str:
    """The logo the member uploaded, else their company's."""
    for image in (member.company_logo_thumbnail, member.company_logo):
        if image:
            return image.url
    if member.company and member.company.logo:
        return member.company.logo.url
    return ""


@member_required
def edit(request, pk):
    """A lender (or leadership) edits an active partner's marketing profile, when the partner
    and the lender's organization both allow it; the partner is emailed what changed."""
    connection = selectors.connection_for(request.member, pk)
    if refusal := services.partner_edit_refusal(request.member, connection):
        messages.error(request, refusal)
        return redirect("comarketing")
    partner = connection.partner
    form = PartnerProfileForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        with refused_into(request) as editing:
            changed = services.edit_partner_profile(
                connection=connection,
                editor=request.member,
                changes=form.changes(),
                actor=request.user,
            )
        if editing.refused:
            return redirect("comarketing")
        if changed:
            messages.success(
                request,
                f"Saved {partner.display_name}'s profile; they were emailed what changed.",
            )
        else:
            messages.info(request, "Nothing changed.")
        return redirect("comarketing_detail", pk=connection.pk)
    return render(
        request,
        "comarketing/edit.html",
        {"connection": connection, "partner": partner, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@member_required
def share_lead(request, lead_pk):
    """The lead page's "Share with a co-marketing partner" form."""
    member = request.member
    lead = lead_for(request.member, lead_pk)
    connections = selectors.partners_for_lead(member, lead)
    form = ShareLeadForm(request.POST, partners=[(c.pk, c.other.display_name) for c in connections])
    if not form.is_valid():
        messages.error(
            request,
            "Choose one of your active co-marketing partners"
            if "connection" in form.errors
            else " ".join(e for errors in form.errors.values() for e in errors),
        )
        return redirect(lead)
    connection = next(c for c in connections if c.pk == form.cleaned_data["connection"])
    with refused_into(request) as sharing:
        services.share_lead(
            connection=connection,
            lead=lead,
            member=member,
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    if not sharing.refused:
        messages.success(
            request,
            f"Shared {lead.name} with {connection.other.display_name}, who was emailed. Nothing "
            f"was sent to {lead.name}.",
        )
    return redirect(lead)
