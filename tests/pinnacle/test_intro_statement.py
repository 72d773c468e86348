"""The required introductory statement leadership edits: only the two placeholders, plainly."""

import pytest
from django.core.exceptions import ValidationError

from pinnacle.models import DEFAULT_INTRO_STATEMENT, validate_intro_statement


def test_the_seed_statement_is_valid():
    validate_intro_statement(DEFAULT_INTRO_STATEMENT)
    validate_intro_statement("Braces written {{ like this }} are kept.")


@pytest.mark.parametrize(
    "statement",
    [
        "Welcome to {partnership:>99999999999}",  # a format spec would allocate gigabytes
        "Welcome to {partnership!r}",
        "Welcome to {partnership.__class__}",
        "Welcome to {partnership[0]}",
        "Welcome to {website}",
        "Welcome to {}",
        "Welcome to {partnership",
    ],
)
def test_anything_but_the_plain_placeholders_is_refused(statement):
    with pytest.raises(ValidationError, match=r"placeholders|unmatched brace"):
        validate_intro_statement(statement)
