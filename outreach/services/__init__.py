"""Outreach use cases, one module per family; who may do what is decided here, for every
caller (views, admin, tasks, the demo):

- `attempts`: every attempt, whatever its channel, goes through `make_attempt`: it locks the
  member-and-lead pair, asks the engagement policy (`outreach.selectors.policy`), and records the
  attempt or the refusal in the same transaction, so two concurrent attempts can never both pass
  the cap; calls, personal messages and the lead's replies are logged here;
- `messages`: the member's individualized email and their own message templates;
- `recommendations`: cross-selling (recommending other members) and decision notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pinnacle.refusals import Refused

if TYPE_CHECKING:
    from outreach.selectors.policy import Decision


class OutreachRefused(Refused):
    """The policy or the partnership's rules refuse this; the message says why (and `decision`
    says until when), written for the member."""

    def __init__(
        self, explanation: str, decision: Decision | None = None, field: str | None = None
    ):
        super().__init__(explanation, field=field)
        self.decision = decision

    @property
    def next_allowed_at(self):
        return self.decision.next_allowed_at if self.decision else None


# Every use case, for `from outreach import services` callers (views, the demo, tests).
from outreach.services.attempts import (  # noqa: E402
    log_call,
    log_lead_reply,
    log_personal_message,
    may_attempt,
)
from outreach.services.messages import (  # noqa: E402
    MESSAGE_TEMPLATE,
    check_personal,
    delete_template,
    message_context,
    save_template,
    send_message,
)
from outreach.services.recommendations import (  # noqa: E402
    RECOMMENDATION_TEMPLATE,
    recommend_members,
    record_decision_notes,
)

__all__ = [
    "MESSAGE_TEMPLATE",
    "RECOMMENDATION_TEMPLATE",
    "OutreachRefused",
    "check_personal",
    "delete_template",
    "log_call",
    "log_lead_reply",
    "log_personal_message",
    "may_attempt",
    "message_context",
    "recommend_members",
    "record_decision_notes",
    "save_template",
    "send_message",
]
