"""Referrals both ways, their stages and progress notes; the reward program and rewards given.
Every object is reached through its owner, `request.member`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from advocates.forms.referrals import (
    ReferralEmailForm,
    ReferralForm,
    StageForm,
)
from advocates.models import Direction, ReferralStage
from advocates.selectors import circle as circle_reads
from advocates.selectors import referrals as reads
from advocates.services import referrals as services
from advocates.services import rewards as reward_services
from members.auth import member_required
from pinnacle.http import next_path
from pinnacle.refusals import refused_into

PER_PAGE = 25
DASHBOARD_LIMIT = 5


# --- Referrals -------------------------------------------------------------------------------


@member_required
def referral_list(request):
    stage = request.GET.get("stage", "")
    direction = request.GET.get("direction", "")
    stage = stage if stage in ReferralStage.values else ""
    direction = direction if direction in Direction.values else ""
    q = request.GET.get("q", "")[:120]
    rows = reads.referral_list(request.member, stage=stage, direction=direction, q=q)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for referral in page.object_list:
        referral.prompt = services.progress_prompt(referral)
    return render(
        request,
        "advocates/referrals/list.html",
        {
            "section": "referrals",
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "stage": stage,
            "direction": direction,
            "q": q,
            "stages": ReferralStage.choices,
            "directions": Direction.choices,
        },
    )


@member_required
def referral_new(request):
    contacts = circle_reads.contacts_of(request.member)
    if request.method == "POST":
        form = ReferralForm(request.POST, contacts=contacts)
        if form.is_valid():
            data = form.cleaned_data
            contact = circle_reads.contact_for(request.member, data["contact"].pk)
            both_ways = {
                "contact": contact,
                "person_name": data["person_name"],
                "person_email": data["person_email"],
                "person_phone": data["person_phone"],
                "note": data["note"],
                "received_on": data["received_on"],
                "actor": request.user,
            }
            with refused_into(form) as recording:
                if data["direction"] == Direction.RECEIVED:
                    referral = services.record_referral_received(
                        **both_ways,
                        quality=data["quality"],
                        estimated_value=data["estimated_value"],
                        need=data["need"],
                        timeframe=data["timeframe"],
                    )
                else:
                    referral = services.record_referral_sent(**both_ways)
            if not recording.refused:
                verb = "from" if referral.direction == Direction.RECEIVED else "to"
                messages.success(
                    request, f"Recorded {referral.person_name}, referred {verb} {contact.name}."
                )
                return redirect("referral_detail", pk=referral.pk)
    else:
        initial = {}
        if request.GET.get("direction") in Direction.values:
            initial["direction"] = request.GET["direction"]
        if request.GET.get("contact"):
            initial["contact"] = circle_reads.contact_for(request.member, request.GET["contact"])
        form = ReferralForm(contacts=contacts, initial=initial)
    return render(
        request,
        "advocates/referrals/new.html",
        {"section": "referrals", "form": form},
        status=400 if form.errors else 200,
    )


@member_required
def referral_detail(request, pk):
    referral = reads.referral_for(request.member, pk)
    events = list(referral.events.select_related("message").order_by("-created_at", "-pk"))
    referral.prompt = services.progress_prompt(referral)
    return render(
        request,
        "advocates/referrals/detail.html",
        {
            "section": "referrals",
            "referral": referral,
            "events": events,
            "rewards": list(referral.rewards.order_by("-given_on", "-pk")),
            "suggestions": reward_services.referral_suggestions(referral),
            "stage_form": StageForm(referral=referral, auto_id="id_stage_%s"),
            "email_form": ReferralEmailForm(auto_id="id_email_%s"),
            "is_final": referral.stage in services.FINAL_STAGES,
        },
    )


@member_required
@require_POST
def referral_stage(request, pk):
    referral = reads.referral_for(request.member, pk)
    return _change_referral(
        request,
        referral,
        StageForm(request.POST, referral=referral),
        invalid="Choose the stage to move it to (and a value of $0 or more).",
        change=lambda data: services.advance_referral(
            referral=referral,
            stage=data["stage"],
            reopen=data["reopen"],
            closed_value=data["closed_value"],
            actor=request.user,
        ),
        done=lambda changed: f"{changed.person_name} is now {changed.get_stage_display()}.",
    )


@member_required
@require_POST
def referral_email(request, pk):
    """The email of a person referred with a phone only: they become a lead."""
    referral = reads.referral_for(request.member, pk)
    return _change_referral(
        request,
        referral,
        ReferralEmailForm(request.POST),
        invalid="Enter the person's email address, for example name@example.com.",
        change=lambda data: services.add_referral_email(
            referral=referral,
            person_email=data["person_email"],
            need=data["need"],
            timeframe=data["timeframe"],
            actor=request.user,
        ),
        done=lambda changed: f"{changed.person_name} is now in the partnership's leads.",
    )


def _change_referral(request, referral, form, *, invalid: str, change, done):
    """A form posted from the referral's page: the `invalid` message, or the service's `change`
    with the cleaned data and what `done` says of the result (or the refusal); back to the page."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("referral_detail", pk=referral.pk)
    with refused_into(request) as changing:
        referral = change(form.cleaned_data)
    if not changing.refused:
        messages.success(request, done(referral))
    return redirect("referral_detail", pk=referral.pk)


@member_required
def referral_progress_note(request, pk):
    """GET: the exact note; POST: send it (once per stage)."""
    referral = reads.referral_for(request.member, pk)
    if request.method == "POST":
        with refused_into(request) as sending:
            services.send_progress_note(referral=referral, actor=request.user)
        if not sending.refused:
            messages.success(request, f"Progress note sent to {referral.contact.name}.")
        return redirect(next_path(request, reverse("referral_detail", args=[referral.pk])))
    with refused_into(request) as previewing:
        preview = services.preview_progress_note(referral=referral)
    if previewing.refused:
        return redirect("referral_detail", pk=referral.pk)
    return render(
        request,
        "advocates/referrals/progress_note.html",
        {
            "section": "referrals",
            "referral": referral,
            "preview": preview,
            "next": next_path(request, ""),
        },
    )


@member_required
@require_POST
def referral_dismiss_note(request, pk):
    referral = reads.referral_for(request.member, pk)
    with refused_into(request) as dismissing:
        services.dismiss_progress_note(referral=referral, actor=request.user)
    if not dismissing.refused:
        messages.success(request, f"Noted: you told {referral.contact.name} another way.")
    return redirect(next_path(request, reverse("referral_detail", args=[referral.pk])))


@member_required
@require_POST
def referral_give_reward(request, pk):
    referral = reads.referral_for(request.member, pk)
    with refused_into(request) as giving:
        reward = reward_services.give_reward(
            referral=referral, key=request.POST.get("key", "")[:60], actor=request.user
        )
    if not giving.refused:
        messages.success(request, f"Recorded as given: {reward.description}.")
    return redirect(next_path(request, reverse("referral_detail", args=[referral.pk])))


# --- Panels on other pages -------------------------------------------------------------------


def contact_section(request, contact) -> dict | None:
    """The contact page's referrals both ways (stages, prompts, suggestions) and rewards."""
    member = getattr(request, "member", None)
    if member is None or contact.owner_id != member.pk:
        return None
    referrals = reads.with_suggestions(reads.contact_referrals(contact), member)
    for referral in referrals:
        referral.prompt = services.progress_prompt(referral)
    today = request.partnership.today()
    return {
        "referrals": referrals,
        "rewards": reads.contact_rewards(contact),
        "rewards_total": reads.total_this_year(contact, today),
        "year": today.year,
        "here": request.get_full_path(),
    }


def dashboard_panel(request, member) -> dict | None:
    """ "Referrers to update": referrals whose referrer has not heard the latest stage."""
    rows = reads.untold_referrals(member)
    referrals = list(rows[: DASHBOARD_LIMIT + 1])
    if not referrals:
        return None
    for referral in referrals:
        referral.prompt = services.progress_prompt(referral)
    return {
        "untold": referrals[:DASHBOARD_LIMIT],
        "more": len(referrals) > DASHBOARD_LIMIT,
        "here": request.get_full_path(),
    }
