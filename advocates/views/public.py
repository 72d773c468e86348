"""The client's satisfaction survey, opened from the emailed link without a login."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from advocates.forms.insights import SurveyAnswerForm
from advocates.services.surveys import answer_survey, survey_for_token
from pinnacle.refusals import refused_into


def private_page(view):
    """A page for one person's eyes: never indexed or cached, and its address (the token) never
    passed to another site in a Referer header. `same-origin`, not `no-referrer`: with no
    referrer a browser posts the answer form with `Origin: null`, which CSRF refuses."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def survey(request, token):
    """Reading the page changes nothing (mail scanners fetch links); answering is one POST,
    stored once."""
    found = survey_for_token(request.partnership, token)
    if found is None:
        # Forged, expired or another partnership's: one answer, with no hint which.
        return render(request, "advocates/insights/survey_invalid.html", status=404)
    context = {"survey": found, "member": found.owner}
    if found.answered_at is not None:
        return render(request, "advocates/insights/survey_thanks.html", {**context, "again": True})
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as answering:
            stored = answer_survey(survey=found, **form.cleaned_data)
        if not answering.refused:
            return render(
                request, "advocates/insights/survey_thanks.html", {**context, "again": not stored}
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "advocates/insights/survey.html", {**context, "form": form}, status=status
    )
