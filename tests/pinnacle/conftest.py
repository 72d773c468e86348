"""Fixtures shared by the pinnacle tests."""

import pytest

# --- The mail pipeline (test_mail_pipeline_*.py) --------------------------------------------------


@pytest.fixture
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
