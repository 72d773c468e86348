"""The appreciation plans' pages: the plans themselves (leadership edits, members read), the
member's touches, sending an email touch, enrolling a contact and cancelling an enrolment. Thin:
parse with a form, call one service, message and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from advocates.forms.plans import EnrollForm, TouchEmailForm, step_formset
from advocates.models import PlanKind
from advocates.selectors import circle as circle_reads
from advocates.selectors import plans as plan_reads
from advocates.services import plans as services
from advocates.services import touches as touch_services
from members.auth import member_required
from pinnacle.http import next_path
from pinnacle.refusals import refused_into

TOUCHES_PER_PAGE = 25


# --- The plans ---------------------------------------------------------------------------------


@member_required
def plans(request):
    member = request.member
    kind = request.POST.get("plan") or request.GET.get("plan") or PlanKind.YEARLY
    if kind not in PlanKind.values:
        kind = PlanKind.YEARLY
    template = services.template_for(request.partnership, kind)
    may_edit = member.is_leadership
    formset = None
    status = 200
    if may_edit:
        formset = step_formset(template, request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if formset.is_valid():
                with refused_into(formset):
                    services.update_template(
                        template=template,
                        steps=[form.cleaned_data for form in formset.forms],
                        member=member,
                    )
                    messages.success(
                        request,
                        f"The {template.name} is saved. New enrolments follow it; touches "
                        "already dated keep their dates.",
                    )
                    return redirect(f"{reverse('advocates_plans')}?plan={kind}")
            status = 400
    elif request.method == "POST":
        raise Http404("Leadership edits the plans.")
    return render(
        request,
        "advocates/plans/plans.html",
        {
            "section": "plans",
            "template": template,
            "steps": template.steps.order_by("day", "pk") if not may_edit else None,
            "formset": formset,
            "kinds": PlanKind.choices,
            "kind": kind,
            "size": services.PLAN_SIZE[kind],
        },
        status=status,
    )


# --- Touches -----------------------------------------------------------------------------------


@member_required
def touches(request):
    member = request.member
    today = request.partnership.today()
    show = request.GET.get("show", "due")
    if show not in plan_reads.BUCKETS:
        show = "due"
    counts = plan_reads.touch_counts(member, today)
    paginator = Paginator(plan_reads.touches_in(member, show, today), TOUCHES_PER_PAGE)
    paginator.count = counts[show]  # the bucket's count: no second COUNT of the same rows
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "advocates/plans/touches.html",
        {
            "section": "touches",
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "show": show,
            "filters": [(key, label, counts[key]) for key, label in plan_reads.BUCKETS.items()],
            "completion": [
                (PlanKind(kind).label, c)
                for kind, c in plan_reads.completion_by_plan(member, today).items()
            ],
            "today": today,
        },
    )


@member_required
@require_POST
def touch_done(request, pk):
    touch = plan_reads.touch_for(request.member, pk)
    with refused_into(request):
        touch_services.mark_done(touch=touch, actor=request.user)
        messages.success(request, f"“{touch.title}” is done and logged with {touch.contact.name}.")
    return redirect(next_path(request, reverse("advocates_touches")))


@member_required
@require_POST
def touch_acknowledge(request, pk):
    touch = plan_reads.touch_for(request.member, pk)
    with refused_into(request):
        touch_services.acknowledge(touch=touch, actor=request.user)
        messages.success(request, f"Noted: {touch.contact.name} acknowledged “{touch.title}”.")
    return redirect(next_path(request, reverse("advocates_touches") + "?show=done"))


@member_required
def touch_email(request, pk):
    member = request.member
    touch = plan_reads.touch_for(member, pk)
    if request.method == "POST":
        form = TouchEmailForm(request.POST)
    else:
        form = TouchEmailForm(initial=touch_services.email_defaults(touch, member))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refused_into(form):
                touch_services.send_touch_email(
                    touch=touch,
                    member=member,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    actor=request.user,
                )
                messages.success(
                    request, f"Your email to {touch.contact.name} is on its way; the touch is done."
                )
                return redirect(next_path(request, reverse("advocates_touches")))
        status = 400
    return render(
        request,
        "advocates/plans/touch_email.html",
        {
            "section": "touches",
            "touch": touch,
            "contact": touch.contact,
            "form": form,
            "member": member,
            "next": next_path(request, ""),
        },
        status=status,
    )


# --- Enrolments --------------------------------------------------------------------------------


@member_required
@require_POST
def enroll(request, contact_pk):
    contact = circle_reads.contact_for(request.member, contact_pk)
    form = EnrollForm(request.POST)
    back = next_path(request, reverse("advocates_touches"))
    if not form.is_valid():
        messages.error(request, "Choose a plan and a start date.")
        return redirect(back)
    with refused_into(request):
        enrollment = services.enroll(
            contact=contact,
            kind=form.cleaned_data["kind"],
            starts_on=form.cleaned_data["starts_on"],
            actor=request.user,
        )
        messages.success(
            request,
            f"{contact.name} is on the {enrollment.template.name} from "
            f"{enrollment.starts_on:%b %-d, %Y}; the touches are dated.",
        )
    return redirect(back)


@member_required
def enrollment_cancel(request, pk):
    enrollment = plan_reads.enrollment_for(request.member, pk)
    back = next_path(request, reverse("advocates_touches"))
    if request.method == "POST":
        with refused_into(request):
            removed = services.cancel_enrollment(enrollment=enrollment, actor=request.user)
            messages.success(
                request,
                f"{enrollment.contact.name} is off the plan; {removed} pending "
                f"touch{'es' if removed != 1 else ''} removed, done ones kept in the log.",
            )
        return redirect(back)
    return render(
        request,
        "advocates/plans/cancel_enrollment.html",
        {
            "section": "touches",
            "enrollment": enrollment,
            "pending": enrollment.touches.filter(done_at__isnull=True).count(),
            "next": back,
        },
    )
