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
    RewardForm,
    RewardRuleForm,
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


# --- Rewards ---------------------------------------------------------------------------------


@member_required
def reward_programs(request):
    member = request.member
    rules = list(reward_services.rules_of(member).order_by("-is_active", "trigger", "quality"))
    rewards = reads.rewards_of(member).select_related("contact", "referral")
    page = Paginator(rewards.order_by("-given_on", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "advocates/referrals/rewards.html",
        {
            "section": "rewards",
            "rules": rules,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "suggested": reward_services.SUGGESTED_PROGRAM,
        },
    )


@member_required
@require_POST
def reward_start_suggested(request):
    with refused_into(request) as starting:
        rules = reward_services.start_suggested_program(member=request.member)
    if not starting.refused:
        messages.success(request, f"Your reward program starts with {len(rules)} rewards.")
    return redirect("reward_programs")


def _rule_form(request, rule=None):
    form = RewardRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "trigger": data["trigger"],
            "quality": data["quality"],
            "description": data["description"],
            "value": data["value"],
        }
        with refused_into(form) as creating:
            if rule is None:
                reward_services.create_rule(member=request.member, **fields)
            else:
                reward_services.update_rule(rule=rule, **fields)
        if not creating.refused:
            messages.success(request, f"Saved: {data['description']}.")
            return redirect("reward_programs")
    return render(
        request,
        "advocates/referrals/rule_form.html",
        {"section": "rewards", "form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


@member_required
def reward_rule_new(request):
    return _rule_form(request)


@member_required
def reward_rule_edit(request, pk):
    return _rule_form(request, reads.rule_for(request.member, pk))


@member_required
def reward_rule_deactivate(request, pk):
    """GET: confirm; POST: deactivate (or reactivate with `activate`)."""
    rule = reads.rule_for(request.member, pk)
    if request.method == "POST":
        activate = request.POST.get("activate") == "1"
        with refused_into(request) as setting:
            reward_services.set_rule_active(rule=rule, is_active=activate)
        if not setting.refused:
            state = "active again" if activate else "no longer suggested"
            messages.success(request, f"{rule.description} is {state}.")
        return redirect("reward_programs")
    return render(
        request, "advocates/referrals/rule_deactivate.html", {"section": "rewards", "rule": rule}
    )


@member_required
def reward_new(request):
    member = request.member
    contacts = circle_reads.contacts_of(member)
    referrals = reads.referrals_of(member)
    if request.method == "POST":
        form = RewardForm(request.POST, contacts=contacts, referrals=referrals)
        if form.is_valid():
            data = form.cleaned_data
            contact = circle_reads.contact_for(member, data["contact"].pk)
            with refused_into(form) as recording:
                reward_services.record_reward(
                    contact=contact,
                    description=data["description"],
                    value=data["value"],
                    given_on=data["given_on"],
                    trigger=data["trigger"],
                    referral=data["referral"],
                    actor=request.user,
                )
            if not recording.refused:
                messages.success(request, f"Recorded {data['description']} for {contact.name}.")
                return redirect(next_path(request, reverse("reward_programs")))
    else:
        initial = {"given_on": request.partnership.today()}
        if request.GET.get("contact"):
            initial["contact"] = circle_reads.contact_for(member, request.GET["contact"])
        form = RewardForm(contacts=contacts, referrals=referrals, initial=initial)
    return render(
        request,
        "advocates/referrals/reward_form.html",
        {"section": "rewards", "form": form},
        status=400 if form.errors else 200,
    )


@member_required
@require_POST
def reward_redeemed(request, pk):
    reward = reads.reward_for(request.member, pk)
    with refused_into(request) as marking:
        reward_services.mark_redeemed(reward=reward, actor=request.user)
    if not marking.refused:
        messages.success(request, f"Marked {reward.description} as redeemed.")
    return redirect(next_path(request, reverse("reward_programs")))


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
