"""Fixtures shared by the policy tests."""

import pytest

from tests.members.factories import MemberFactory
from tests.policy.governance_helpers import START

# --- Policy governance (test_governance_*.py) -----------------------------------------------------


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def voters(partnership, leader, member):
    """Seven active members in all (the leader, Alice and five more)."""
    return [leader, member, *MemberFactory.create_batch(5, partnership=partnership)]
