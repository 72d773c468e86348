"""Fixtures shared by the advocates tests."""

import pytest

from tests.advocates.factories import ContactFactory

# --- Referrals (test_referrals_*.py) --------------------------------------------------------------


@pytest.fixture
def carol(member):
    return ContactFactory(owner=member, name="Carol Advocate", email="carol@example.net")
