"""The reward experiment (seed 5.5) and the satisfaction model (seed 5.4): a member's own, or
leadership's across members, in aggregate and without names."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from advocates.charts import cumulative_chart
from advocates.forms.insights import ExperimentForm, FeedbackForm, SurveySendForm
from advocates.models import Assignment, Experiment
from advocates.selectors import circle as circle_reads
from advocates.selectors import experiments as experiment_reads
from advocates.services import experiments as experiment_services
from advocates.services import surveys as survey_services
from members.auth import member_required
from pinnacle.refusals import refused_into

PER_PAGE = 25


def contact_page(contact) -> str:
    """The contact's page, `/advocates/<pk>/` (built by the contacts part)."""
    return f"{reverse('advocates')}{contact.pk}/"


# --- Experiments --------------------------------------------------------------------------------


@member_required
def experiment_list(request):
    rows = experiment_reads.with_sizes(circle_reads.experiments_for(request.member)).order_by(
        "-starts_on", "-pk"
    )
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "advocates/insights/experiment_list.html",
        {
            "section": "experiments",
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "today": request.partnership.today(),
        },
    )


@member_required
def experiment_new(request):
    member = request.member
    today = request.partnership.today()
    form = ExperimentForm(
        request.POST or None,
        leadership=member.is_leadership,
        initial={"starts_on": today, "ends_on": experiment_services.default_end(today)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refused_into(form) as starting:
            started = experiment_services.start_experiment(
                actor=member,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                fixed_reward=data["fixed_reward"],
                variable_rate=data["variable_rate"],
                segments=data["segments"],
                across_members=data.get("across_members", False),
                user=request.user,
            )
        if not starting.refused:
            sizes = started.sizes
            note = f"Experiment started: {sizes['A']} contacts in group A, {sizes['B']} in group B."
            if started.left_out:
                note += (
                    f" {started.left_out} contact{'s were' if started.left_out != 1 else ' was'} "
                    "left out: already in another experiment during this period."
                )
            messages.success(request, note)
            return redirect("advocates_experiment", pk=started.experiment.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "advocates/insights/experiment_form.html",
        {"section": "experiments", "form": form},
        status=status,
    )


@member_required
def experiment_detail(request, pk):
    member = request.member
    experiment = circle_reads.experiment_for(member, pk)
    results = experiment_reads.experiment_results(experiment, today=request.partnership.today())
    is_own = experiment.owner_id == member.pk
    feedback_form = None
    if is_own:
        feedback_form = FeedbackForm(contacts=_assigned_choices(experiment))
    return render(
        request,
        "advocates/insights/experiment_detail.html",
        {
            "section": "experiments",
            "experiment": experiment,
            "results": results,
            "chart": cumulative_chart(results),
            "shows_names": is_own,
            "feedback_form": feedback_form,
        },
    )


def _assigned_choices(experiment: Experiment) -> list[tuple[int, str]]:
    rows = (
        Assignment.objects.for_partnership(experiment.partnership)
        .filter(experiment=experiment, contact__isnull=False)
        .select_related("contact")
        .order_by("contact__name", "contact__pk")
    )
    return [(a.contact_id, f"{a.contact.name} (group {a.group})") for a in rows]


@require_POST
@member_required
def experiment_feedback(request, pk):
    """Note what a contact said: in the member's own experiment (from its page), or for their
    own contact in a leadership experiment (from the contact's page)."""
    member = request.member
    experiment = circle_reads.experiment_for_feedback(member, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["contact"]:
        messages.error(request, "Choose a contact and write what they said.")
        return redirect(_feedback_back(request, experiment, None))
    contact = circle_reads.contact_for(member, form.cleaned_data["contact"])
    with refused_into(request) as noting:
        experiment_services.note_feedback(
            actor=member,
            experiment=experiment,
            contact=contact,
            text=form.cleaned_data["text"],
            user=request.user,
        )
    if not noting.refused:
        messages.success(request, f"Feedback from {contact.name} noted.")
    return redirect(_feedback_back(request, experiment, contact))


def _feedback_back(request, experiment, contact) -> str:
    if experiment.owner_id == request.member.pk:
        return reverse("advocates_experiment", args=[experiment.pk])
    return contact_page(contact) if contact is not None else reverse("advocates")


@member_required
def experiment_end(request, pk):
    experiment = circle_reads.experiment_for(request.member, pk)
    today = request.partnership.today()
    if request.method == "POST":
        with refused_into(request) as ending:
            experiment_services.end_experiment(experiment=experiment, today=today)
        if not ending.refused:
            messages.success(request, f"“{experiment.name}” ends today; the results are final.")
        return redirect("advocates_experiment", pk=experiment.pk)
    return render(
        request,
        "advocates/insights/experiment_end.html",
        {"section": "experiments", "experiment": experiment, "today": today},
    )


# --- Satisfaction -------------------------------------------------------------------------------


@member_required
def satisfaction(request):
    member = request.member
    aggregate = request.GET.get("scope") == "all" and member.is_leadership
    if aggregate:
        rows = survey_services.Survey.objects.for_partnership(member.partnership)
    else:
        rows = survey_services.surveys_of(member)
    context = {
        "section": "satisfaction",
        "aggregate": aggregate,
        "model": survey_services.satisfaction_model(rows),
        "is_leadership": member.is_leadership,
    }
    if not aggregate:
        paginator = Paginator(survey_services.answered(rows), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        context["page"] = page
        context["page_range"] = paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
    return render(request, "advocates/insights/satisfaction.html", context)


@member_required
def satisfaction_send(request):
    form = SurveySendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as sending:
            survey = survey_services.send_survey(
                owner=request.member,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                actor=request.user,
            )
        if not sending.refused:
            messages.success(request, f"Survey sent to {survey.name} at {survey.email}.")
            return redirect("advocates_satisfaction")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "advocates/insights/survey_send.html",
        {"section": "satisfaction", "form": form},
        status=status,
    )


@require_POST
@member_required
def contact_survey(request, pk):
    """The contact page's "Send survey" button."""
    contact = circle_reads.contact_for(request.member, pk)
    if not contact.email:
        messages.error(request, f"{contact.name} has no email address to send a survey to.")
        return redirect(contact_page(contact))
    with refused_into(request) as sending:
        survey_services.send_survey(
            owner=request.member,
            name=contact.name,
            email=contact.email,
            contact=contact,
            actor=request.user,
        )
    if not sending.refused:
        messages.success(request, f"Satisfaction survey sent to {contact.name} at {contact.email}.")
    return redirect(contact_page(contact))
