"""Who takes part in the policy's governance, and the refusal every policy use case raises.

A refusal is a `PolicyRefused`, with a message for the person who asked and the field it is about
where one field is at fault."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from members.models import Member
from pinnacle.refusals import Refused


class PolicyRefused(Refused):
    """A policy use case the rules do not allow; the message says why.

    A proposed revision's numbers are checked together, so that refusal may carry a message for
    each of several fields (`problems`), each shown under its field; `message` and `field` are
    then the first of them."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        problems: dict[str | None, list[str]] | None = None,
    ):
        super().__init__(message, field)
        self.problems = problems or {field: [message]}

    def errors(self) -> dict[str | None, list]:
        return {field: list(messages) for field, messages in self.problems.items()}

    @classmethod
    def from_invalid(cls, invalid: ValidationError, *, field: str | None = None) -> PolicyRefused:
        """The policy document's validation error (`policy.document`) as a refusal: under the
        fields it names, else under `field`."""
        problems: dict[str | None, list[str]] = (
            {name: list(messages) for name, messages in invalid.message_dict.items()}
            if hasattr(invalid, "error_dict")
            else {field: invalid.messages}
        )
        first_field, messages = next(iter(problems.items()))
        return cls(messages[0], first_field, problems=problems)


def require_active(member: Member) -> None:
    """Refuses a member who is no longer active."""
    if not member.is_active:
        raise PolicyRefused("Only active partner members take part in the policy's governance.")


def require_leadership(actor: Member, partnership_id: int) -> None:
    """Refuses anyone but the partnership's active administrative leadership."""
    if (
        actor is None
        or actor.partnership_id != partnership_id
        or not actor.is_active
        or not actor.is_leadership
    ):
        raise PolicyRefused("Only the partnership's administrative leadership can do this.")
