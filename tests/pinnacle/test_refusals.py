"""`Refused`, every app's error type, and `refused_into`, the one way views show a refusal."""

import importlib
import importlib.util
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.messages import ERROR, INFO
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from members.services import MembershipRefused
from pinnacle.refusals import Refused, attempt, refused_into


class NoteForm(forms.Form):
    title = forms.CharField()
    body = forms.CharField()


def bound_form() -> NoteForm:
    form = NoteForm({"title": "Hello", "body": "World"})
    assert form.is_valid()
    return form


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def shown(request) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in request._messages]


def refuse(message: str, field: str | None = None):
    raise Refused(message, field=field)


def test_a_refusal_about_a_field_is_shown_under_that_field():
    form = bound_form()
    with refused_into(form) as saving:
        refuse("Keep the title short.", field="title")
    assert saving.refused and saving.refusal.message == "Keep the title short."
    assert form.errors == {"title": ["Keep the title short."]}


def test_a_refusal_about_a_field_the_form_lacks_is_shown_above_the_form():
    form = bound_form()
    with refused_into(form):
        refuse("Choose a company.", field="company")
    assert form.errors == {"__all__": ["Choose a company."]}


def test_a_refusal_about_the_whole_request_is_shown_above_the_form():
    form = bound_form()
    with refused_into(form):
        refuse("Not today.")
    assert form.non_field_errors() == ["Not today."]


def test_the_view_may_name_the_field_a_fieldless_refusal_is_about():
    form = bound_form()
    with refused_into(form, field="body"):
        refuse("The file is empty.")
    with refused_into(form, field="body"):
        refuse("Give it a title.", field="title")
    assert form.errors == {"body": ["The file is empty."], "title": ["Give it a title."]}


def test_a_page_without_a_form_shows_the_message_at_its_level_after_its_prefix():
    request = request_with_messages()
    with refused_into(request):
        refuse("Too soon.")
    with refused_into(request, level=INFO, prefix="Not recorded. "):
        refuse("Choose how the call went.")
    assert shown(request) == [
        (ERROR, "Too soon."),
        (INFO, "Not recorded. Choose how the call went."),
    ]


def test_a_block_that_goes_through_shows_nothing_and_other_errors_pass():
    form = bound_form()
    with refused_into(form) as saving:
        pass
    assert not saving.refused and saving.refusal is None and form.is_valid()
    with pytest.raises(ValueError), refused_into(form):
        raise ValueError("a bug, not a refusal")
    assert form.is_valid()


def test_attempt_returns_the_refusal_or_none():
    assert attempt(refuse, message="No.").message == "No."
    assert attempt(lambda: None) is None


def test_a_membership_refusal_keeps_its_validation_error_shape():
    refusal = MembershipRefused("Already a member.", field="email", code="already_member")
    assert (refusal.message, refusal.field) == ("Already a member.", "email")
    assert refusal.message_dict == {"email": ["Already a member."]}
    assert refusal.error_dict["email"][0].code == "already_member"
    several = MembershipRefused({"title": "Give a title.", "text": ["Too long.", "Unknown {x}."]})
    assert (several.message, several.field) == ("Give a title.", "title")
    form = bound_form()
    with refused_into(form):
        raise several
    assert form.errors == {"title": ["Give a title."], "__all__": ["Too long.", "Unknown {x}."]}


def _services_modules():
    """Every project app's `services` module or package (apps without one yet are skipped)."""
    for config in apps.get_app_configs():
        name = f"{config.name}.services"
        if not config.path.startswith(str(settings.BASE_DIR)) or not importlib.util.find_spec(name):
            continue
        module = importlib.import_module(name)
        yield module
        for sub in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
            yield importlib.import_module(sub.name)


def test_every_apps_error_is_a_refusal():
    errors = {
        f"{module.__name__}.{name}": value
        for module in _services_modules()
        for name, value in inspect.getmembers(module, inspect.isclass)
        if issubclass(value, Exception) and value.__module__ == module.__name__
    }
    assert {
        "LeadRefused",
        "MembershipRefused",
        "MailRefused",
        "AdvocatesRefused",
        "PolicyRefused",
    } <= {name.rsplit(".", 1)[1] for name in errors}
    assert [name for name, error in errors.items() if not issubclass(error, Refused)] == []
