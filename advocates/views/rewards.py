"""Reward programs (the rules a member rewards referrals by, a suggested one to start from) and
the rewards given and redeemed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from advocates.forms.referrals import (
    RewardForm,
    RewardRuleForm,
)
from advocates.selectors import circle as circle_reads
from advocates.selectors import referrals as reads
from advocates.services import rewards as reward_services
from advocates.views.referrals import PER_PAGE
from members.auth import member_required
from pinnacle.http import next_path
from pinnacle.refusals import refused_into


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
