"""Co-branded media: creating, editing and deleting it from the connection overview, the
flyer's PDF, and the public pages (a property site or capture page at /m/<slug>/, and its form
alone for an iframe on a partner's own website)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from comarketing import selectors, services
from comarketing.flyer.layout import render_flyer
from comarketing.forms import MediaForm
from comarketing.models import Media
from leads.forms import ProspectForm
from leads.middleware import campaign_utm
from leads.ratelimit import LEAD_INTAKE
from members.auth import member_required
from pinnacle.http import client_ip
from pinnacle.membership import request_membership
from pinnacle.public_forms import handle_public_post
from pinnacle.refusals import refused_into


@member_required
def create(request, pk):
    connection = selectors.connection_for(request.member, pk)
    if refusal := services.media_refusal(request.member, connection):
        messages.error(request, refusal)
        return redirect("comarketing")
    form = MediaForm(
        request.POST or None, request.FILES or None, connection=connection, creator=request.member
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as saving:
            media = services.create_media(
                connection=connection,
                member=request.member,
                kind=form.cleaned_data["kind"],
                owner=form.cleaned_data["owner"],
                fields=form.cleaned_data,
                photos=form.photos_change(),
                actor=request.user,
            )
        if not saving.refused:
            messages.success(request, f"Created the {media.get_kind_display().lower()}.")
            return redirect("comarketing_detail", pk=connection.pk)
    return render(
        request,
        "comarketing/media_form.html",
        {"connection": connection, "form": form, "media": None},
        status=400 if form.errors else 200,
    )


@member_required
def edit(request, pk):
    media = selectors.media_for(request.member, pk)
    connection = media.connection
    form = MediaForm(
        request.POST or None,
        request.FILES or None,
        instance=media,
        connection=connection,
        creator=request.member,
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as saving:
            services.update_media(
                media=media,
                member=request.member,
                owner=form.cleaned_data["owner"],
                fields=form.cleaned_data,
                photos=form.photos_change(),
                actor=request.user,
            )
        if not saving.refused:
            messages.success(request, f"Saved \u201c{form.cleaned_data['title']}\u201d.")
            return redirect("comarketing_detail", pk=connection.pk)
    return render(
        request,
        "comarketing/media_form.html",
        {"connection": connection, "form": form, "media": media},
        status=400 if form.errors else 200,
    )


@member_required
def delete(request, pk):
    media = selectors.media_for(request.member, pk)
    if request.method == "POST":
        with refused_into(request) as deleting:
            services.delete_media(media=media, member=request.member, actor=request.user)
        if not deleting.refused:
            messages.success(request, f"Deleted \u201c{media.title}\u201d.")
        return redirect("comarketing_detail", pk=media.connection_id)
    return render(request, "comarketing/media_delete.html", {"media": media})


@member_required
def flyer(request, pk):
    """The printable flyer, built on the server."""
    media = selectors.media_for(request.member, pk)
    if media.kind != Media.Kind.FLYER:
        raise Http404("Only flyers print.")
    media.partnership = media.connection.partnership = request.partnership
    response = HttpResponse(render_flyer(media), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{media.slug}.pdf"'
    return response


def _capture(request, media: Media, *, render_page, thank):
    """The page with its lead form (`render_page(form, status=, refused=)`); a POST goes through
    the public-form pipeline and ends in `thank` once taken (or a bot was turned away)."""
    if request.method != "POST":
        return render_page(ProspectForm(), status=200)
    form = ProspectForm(request.POST)

    def submit(data):
        with refused_into() as capturing:
            services.capture_lead(
                media=media,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                need=data["need"],
                timeframe=data["timeframe"],
                message=data["message"],
                consent=data["consent"],
                utm=campaign_utm(request),
                ip_address=client_ip(request),
            )
        if capturing.refused:
            raise Http404(capturing.refusal.message) from capturing.refusal
        return thank()

    return handle_public_post(
        request,
        form,
        limit_group=LEAD_INTAKE,
        render_form=lambda *, status, refused="": render_page(form, status=status, refused=refused),
        thank=thank,
        submit=submit,
    )


def _page_context(media: Media, form, refused) -> dict:
    connection = media.connection
    return {
        "media": media,
        "partners": [connection.lender, connection.partner],
        "is_property_site": media.kind == Media.Kind.PROPERTY_SITE,
        "form": form,
        "refused": refused,
    }


def page(request, slug):
    """A property site or capture page, public on the partnership's host, with its form."""
    media = selectors.public_media_for(
        lambda: request_membership(request), partnership=request.partnership, slug=slug
    )

    def render_page(form, *, status, refused=""):
        context = _page_context(media, form, refused)
        return render(request, "comarketing/media_page.html", context, status=status)

    def thank():
        request.session["lead_thanks_email"] = request.POST.get("email", "")
        return redirect("lead_thanks")

    return _capture(request, media, render_page=render_page, thank=thank)


# The capture form inside a partner's website: the one page that may be framed. It is posted
# from that other site, where browsers withhold our cookies (SameSite), so it cannot carry a
# CSRF token; like any public lead form it changes no one's account, and the honeypot and the
# per-IP limit still apply.
@csrf_exempt
@xframe_options_exempt
def embed(request, slug):
    media = selectors.public_media_for(
        lambda: request_membership(request), partnership=request.partnership, slug=slug
    )

    def render_page(form, *, status, refused=""):
        context = {**_page_context(media, form, refused), "sent": request.GET.get("sent") == "1"}
        response = render(request, "comarketing/media_embed.html", context, status=status)
        response["Content-Security-Policy"] = "frame-ancestors *"
        return response

    return _capture(
        request,
        media,
        render_page=render_page,
        thank=lambda: redirect(reverse("comarketing_media_embed", args=[media.slug]) + "?sent=1"),
    )
