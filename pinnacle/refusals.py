"""Refusals: the one error type of every app's use cases, and the one way views show it.

A service that will not do what was asked raises a subclass of `Refused` (`LeadRefused`,
`MembershipRefused`, `OutreachRefused`, ...) with a message written for the person who asked and,
where one field of their form is at fault, that field's name. Services are atomic, so by the time a
view sees a refusal nothing of the request was saved.

A view shows it with `refused_into`:

    with refused_into(form) as invite:
        invitation = services.invite_member(...)
    if not invite.refused:
        messages.success(request, ...)
        return redirect(...)

and a loop or a view that answers a refusal its own way asks `attempt(service, **arguments)`,
which returns the refusal or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest


class Refused(Exception):
    """A use case the rules do not allow. `message` is written for the person who asked; `field`
    names the form field it is about, or is None when it is about the whole request."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def errors(self) -> dict[str | None, list]:
        """The refusal as form errors: each field (None for the whole form) with its messages."""
        return {self.field: [self.message]}


Target = BaseForm | BaseFormSet | HttpRequest | None


class refused_into:
    """Catches a `Refused` raised in the block and shows it on `target`:

    - a form: under the field it names (or `field` when it names none), above the form when the
      form has no such field;
    - a formset: as the formset's error;
    - a request (a page without a form): as a message of `level`, after `prefix`;
    - None: nowhere, for a view that answers the refusal its own way.

    After the block, `refusal` is the refusal (None when the block went through) and `refused`
    says whether there was one. Anything else raised in the block goes through untouched."""

    def __init__(
        self,
        target: Target = None,
        *,
        field: str | None = None,
        level: int = messages.ERROR,
        prefix: str = "",
    ):
        self.target = target
        self.field = field
        self.level = level
        self.prefix = prefix
        self.refusal: Refused | None = None

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    def __enter__(self) -> refused_into:
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if not isinstance(exc, Refused):
            return False
        self.refusal = exc
        self._show(exc)
        return True

    def _show(self, refusal: Refused) -> None:
        target = self.target
        if isinstance(target, BaseForm):
            for field, errors in refusal.errors().items():
                field = field or self.field
                target.add_error(field if field in target.fields else None, errors)
        elif isinstance(target, BaseFormSet):
            target.non_form_errors().append(refusal.message)
        elif isinstance(target, HttpRequest):
            messages.add_message(target, self.level, f"{self.prefix}{refusal.message}")


def attempt(service: Callable[..., Any], /, **arguments) -> Refused | None:
    """Calls `service(**arguments)`; its refusal if it refused, None if it went through."""
    with refused_into() as call:
        service(**arguments)
    return call.refusal
