"""Who takes part in the policy's governance, and the refusal every policy use case raises.

A refusal is a `GovernanceRefused` (a `MembershipRefused`, so it reads like the members app's
other refusals), with a message for the person who asked, keyed by field where one field is at
fault."""

from __future__ import annotations

from members.models import Member
from members.services import MembershipRefused


class GovernanceRefused(MembershipRefused):
    """A policy-governance use case the rules do not allow; the message says why."""


def require_active(member: Member) -> None:
    """Refuses a member who is no longer active."""
    if not member.is_active:
        raise GovernanceRefused(
            "Only active partner members take part in the policy's governance.", code="inactive"
        )


def require_leadership(actor: Member, partnership_id: int) -> None:
    """Refuses anyone but the partnership's active administrative leadership."""
    if (
        actor is None
        or actor.partnership_id != partnership_id
        or not actor.is_active
        or not actor.is_leadership
    ):
        raise GovernanceRefused(
            "Only the partnership's administrative leadership can do this.", code="leadership"
        )
