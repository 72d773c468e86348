"""Every model that holds an email address, a name or a phone number is covered by a provider of
a person's data (an app's privacy.py) or excused there with a reason: a new model with personal
data cannot be forgotten by the export and the erasure."""

import re

from django.apps import apps
from django.db import models

from pinnacle.privacy.registry import Erase, excused, providers

# Fields that name or reach a person, by type or by name.
PERSONAL_NAME = re.compile(r"(^|_)(name|first_name|last_name|phone|email)$")
NOT_A_PERSON = {"slug", "template", "kind"}


def personal_fields(model) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.EmailField)
        or (isinstance(f, models.CharField) and PERSONAL_NAME.search(f.name))
    } - NOT_A_PERSON


def test_every_model_with_personal_fields_has_a_provider_or_an_excuse():
    covered = {provider.model._meta.label for provider in providers()}
    missing = [
        f"{model._meta.label} ({', '.join(sorted(fields))})"
        for model in apps.get_models()
        if (fields := personal_fields(model))
        and model._meta.label not in covered
        and model._meta.label not in excused()
        and model._meta.app_label not in ("auth", "admin", "sessions", "contenttypes")
    ]
    assert not missing, (
        "Declare these in the app's privacy.py (PROVIDERS or EXCUSED):\n" + "\n".join(missing)
    )


def test_each_provider_erases_every_personal_field_of_its_model():
    for provider in providers():
        assert set(provider.fields) <= {f.name for f in provider.model._meta.concrete_fields}
        if provider.key:  # a second view of a model another provider erases
            continue
        left = personal_fields(provider.model) - set(provider.fields) - set(provider.not_the_person)
        assert not left, f"{provider.label} leaves {left} after erasure"


def test_names_become_erased_and_addresses_placeholders():
    for provider in providers():
        for name, how in provider.fields.items():
            field = provider.model._meta.get_field(name)
            if isinstance(field, models.EmailField):
                assert how is Erase.EMAIL, f"{provider.label}.{name}"
            if isinstance(field, models.FileField):
                assert how is Erase.FILE, f"{provider.label}.{name}"


def test_every_excuse_names_a_model_and_says_why():
    for label, reason in excused().items():
        assert apps.get_model(label) and len(reason) > 20
