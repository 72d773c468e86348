"""A member's inquiries from prospects: the list with time left, and answering one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format

from leads.forms import AcknowledgeForm, ReplyForm
from leads.models import InquiryResponse
from leads.selectors import inquiries as inquiry_selectors
from leads.services.inquiries import respond_to_inquiry
from members.auth import member_required
from pinnacle.refusals import refused_into

ANSWERED_PER_PAGE = 20
Kind = InquiryResponse.Kind


@member_required
def inquiry_list(request):
    member = request.member
    answered = Paginator(inquiry_selectors.answered_inquiries(member), ANSWERED_PER_PAGE)
    page = answered.get_page(request.GET.get("page"))
    return render(
        request,
        "leads/inquiry_list.html",
        {
            "member": member,
            "open_inquiries": inquiry_selectors.open_inquiries(member),
            "page": page,
            "page_range": answered.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@member_required
def inquiry_detail(request, pk):
    member = request.member
    inquiry = inquiry_selectors.inquiry_for(member, pk)
    lead = inquiry.lead
    kind = request.POST.get("kind") if request.method == "POST" else None
    reply_form = ReplyForm(request.POST if kind == Kind.REPLY else None, prefix="reply")
    ack_form = AcknowledgeForm(
        request.POST if kind == Kind.ACKNOWLEDGEMENT else None,
        prefix="ack",
        lead_name=lead.name,
        today=request.partnership.today(),
        follow_up_days=request.partnership.acknowledgement_follow_up_days,
    )
    status = 200
    if request.method == "POST":
        form = {Kind.REPLY: reply_form, Kind.ACKNOWLEDGEMENT: ack_form}.get(kind)
        if form is None:
            messages.error(request, "Choose whether to reply or to acknowledge, then send.")
            status = 400
        elif form.is_valid():
            with refused_into(form) as responding:
                response = respond_to_inquiry(
                    inquiry=inquiry,
                    member=member,
                    kind=kind,
                    body=form.cleaned_data["body"],
                    follow_up_on=form.cleaned_data.get("follow_up_on"),
                )
            if responding.refused:
                status = 400
            else:
                messages.success(request, _sent_message(response, lead.name))
                return redirect(inquiry)
        else:
            status = 400
    return render(
        request,
        "leads/inquiry_detail.html",
        {
            "member": member,
            "inquiry": inquiry,
            "lead": lead,
            "responses": inquiry_selectors.inquiry_responses(inquiry),
            "reply_form": reply_form,
            "ack_form": ack_form,
            "show_ack_form": inquiry.is_open or ack_form.is_bound,
        },
        status=status,
    )


def _sent_message(response: InquiryResponse, lead_name: str) -> str:
    sent = f"Your reply was emailed to {lead_name}."
    if response.follow_up_on:
        sent += f" They know you will follow up by {date_format(response.follow_up_on)}."
    return sent
