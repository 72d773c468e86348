"""Fixtures shared by the pinnacle tests."""

import pytest

from tests.pinnacle.backends import FlakyBackend, RaisingBackend

# --- The mail pipeline (test_mail_pipeline_*.py) --------------------------------------------------


@pytest.fixture
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def flaky(settings):
    """An ESP that fails `failures_left` times; reset even when the test fails."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0


@pytest.fixture
def raising(settings):
    """An ESP (or SMTP server) that answers every send with `raising.error`."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.RaisingBackend"
    yield RaisingBackend
    RaisingBackend.error = ConnectionError("ESP unreachable")
