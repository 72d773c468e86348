"""What prospects use without a password: the two forms, the access link, expressing interest."""

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from leads.forms import InterestForm, LeadForm
from leads.middleware import SESSION_REF, campaign_utm
from leads.models import FormKind, Lead
from leads.prospect import current_prospect, start_prospect_session
from leads.ratelimit import LEAD_INTAKE
from leads.services.access import confirm_prospect_access
from leads.services.inquiries import express_interest
from leads.services.intake import submit_lead
from leads.tokens import read_access_token
from members import selectors as member_selectors
from pinnacle.formats import when
from pinnacle.http import client_ip
from pinnacle.public_forms import handle_public_post
from pinnacle.public_pages import public_page
from pinnacle.refusals import refused_into


@public_page(query=("ref",))
def join(request):
    return _lead_form(request, FormKind.JOIN)


@public_page(query=("ref",))
def contact(request):
    return _lead_form(request, FormKind.CONTACT)


def _lead_form(request, form_kind):
    partnership = request.partnership
    template = f"leads/{form_kind}.html"
    is_contact = form_kind == FormKind.CONTACT
    if request.method != "POST":
        ref = request.GET.get("ref") or request.session.get(SESSION_REF, "")
        form = LeadForm(partnership=partnership, message_required=is_contact)
        if ref in form.members:
            form.initial["referrer"] = ref
        return render(request, template, {"form": form, "referred_by": form.members.get(ref)})

    form = LeadForm(request.POST, partnership=partnership, message_required=is_contact)

    def render_form(*, status, refused=""):
        return render(request, template, {"form": form, "refused": refused}, status=status)

    def submit(data):
        submit_lead(
            partnership=partnership,
            form=form_kind,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            need=data["need"],
            timeframe=data["timeframe"],
            message=data["message"],
            consent=data["consent"],
            referrer=form.referring_member(),
            utm=campaign_utm(request),
            ip_address=client_ip(request),
        )
        request.session["lead_thanks_email"] = data["email"]
        return redirect("lead_thanks")

    return handle_public_post(
        request,
        form,
        limit_group=LEAD_INTAKE,
        render_form=render_form,
        thank=lambda: redirect("lead_thanks"),
        submit=submit,
    )


def thanks(request):
    return render(request, "leads/thanks.html", {"email": request.session.get("lead_thanks_email")})


def prospect_access(request, token):
    """The welcome email's link: starts the prospect's session. Reusable until it expires; the
    page confirms a person is here with a small POST (scanners that fetch links do not run it)."""
    try:
        partnership_id, lead_id = read_access_token(token)
    except signing.SignatureExpired:
        return render(request, "leads/access_invalid.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "leads/access_invalid.html", status=404)
    if partnership_id != request.partnership.pk:
        return render(request, "leads/access_invalid.html", status=404)
    lead = Lead.objects.for_partnership(request.partnership).filter(pk=lead_id).first()
    if lead is None:
        return render(request, "leads/access_invalid.html", status=404)
    start_prospect_session(request, lead)
    return render(request, "leads/access.html", {"lead": lead})


@require_POST
def confirm_access(request):
    """A person saw the access page: the welcome emails' link counts as clicked."""
    lead = current_prospect(request)
    if lead is not None:
        confirm_prospect_access(lead)
    return render(request, "leads/_access_confirmed.html")


def interest(request, slug):
    """Connect / express interest from a directory profile (prospects with an access link)."""
    member = member_selectors.get_listed_member(partnership=request.partnership, slug=slug)
    lead = current_prospect(request)
    if lead is None:
        return redirect(reverse("join") + f"?ref={member.slug}")
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused_into(request, level=messages.INFO) as expressing:
            inquiry = express_interest(
                lead=lead, member=member, message=form.cleaned_data["message"]
            )
        if expressing.refused:
            return redirect(member.get_absolute_url())
        due = when(inquiry.due_at, request.partnership)
        messages.success(
            request,
            f"Your message is on its way to {member.display_name}, "
            f"who will reply to {lead.email} by {due}.",
        )
        return redirect(member.get_absolute_url())
    return render(request, "leads/interest.html", {"member": member, "form": form, "lead": lead})
