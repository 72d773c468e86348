"""Fixtures shared by the policy tests."""

import pytest

from tests.members.factories import MemberFactory

# --- Policy governance (test_governance_*.py) -----------------------------------------------------


@pytest.fixture
def voters(partnership, leader, member):
    """Seven active members in all (the leader, Alice and five more)."""
    return [leader, member, *MemberFactory.create_batch(5, partnership=partnership)]
