"""The one pipeline of a form anyone may post without logging in (a prospect's lead form, a
co-marketing capture page, a visitor's breach report): honeypot, then the per-IP limit, then
validation, then the submission. Each page keeps its own templates, thanks and service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.http import HttpResponse

from pinnacle.ratelimit import TOO_MANY_SUBMISSIONS, too_many_submissions


class PublicForm(Protocol):
    cleaned_data: dict[str, Any]

    def is_spam(self) -> bool: ...

    def is_valid(self) -> bool: ...


class RenderForm(Protocol):
    def __call__(self, *, status: int, refused: str = "") -> HttpResponse: ...


def handle_public_post(
    request,
    form: PublicForm,
    *,
    limit_group: str,
    render_form: RenderForm,
    thank: Callable[[], HttpResponse],
    submit: Callable[[dict[str, Any]], HttpResponse | None],
) -> HttpResponse:
    """The response to a public form's POST. A bot (the honeypot filled in) is thanked like a
    person (`thank`) and nothing is stored or sent; past the limit the form is shown again with
    a 429, an invalid one with a 400. `submit` gets the cleaned data and returns the response,
    or None when the service refused (its error put on the form), to show the form with a 400."""
    if form.is_spam():
        return thank()
    if too_many_submissions(request, group=limit_group):
        return render_form(status=429, refused=TOO_MANY_SUBMISSIONS)
    if not form.is_valid():
        return render_form(status=400)
    return submit(form.cleaned_data) or render_form(status=400)
