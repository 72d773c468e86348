"""Post-close follow-up (policy: "Communication with post-sale/close ... customer"): after a
close, three duties each get a row with a deadline in the partnership's days; beat's sweep
reminds the leader before a deadline and escalates to leadership after it (`sweep`).

1. The handoff meeting: the leader proposes times, leadership confirms one (booked = done);
   each part's lateness is its own person's (`PostCloseStep.late_party`). Once it was held,
   leadership records its evaluation of the transaction's success, efficiency, effectiveness.
2. The thank-you letter: drafted by the portal, edited by the leader, emailed and/or printed and
   mailed (its use cases are in `thank_you`).
3. Leadership's first client interaction, in which the leader takes part.

The steps' deadlines and what the use cases share are in `steps`, the handoff meeting
in `handoff`, the first client interaction in `interaction`; this module
exposes them all for its callers.

Every use case locks the transaction row first, so two people acting at once are applied one
after the other; a refusal is a `TransactionRefused` written for the person who asked.
"""

from transactions.services.postclose.handoff import (
    confirm_meeting,
    propose_meeting_times,
    record_handoff_held,
)
from transactions.services.postclose.interaction import (
    draft_interaction_text,
    names_in_text,
    record_client_interaction,
)
from transactions.services.postclose.steps import (
    MAX_MEETING_TIMES,
    POST_CLOSE,
    REMINDER_LEAD_TIME,
    Kind,
    complete_step,
    locked_closed,
    member_context,
    post_close_url,
    require_leader,
    schedule_post_close,
    step_deadlines,
)

__all__ = [
    "MAX_MEETING_TIMES",
    "POST_CLOSE",
    "REMINDER_LEAD_TIME",
    "Kind",
    "complete_step",
    "confirm_meeting",
    "draft_interaction_text",
    "locked_closed",
    "member_context",
    "names_in_text",
    "post_close_url",
    "propose_meeting_times",
    "record_client_interaction",
    "record_handoff_held",
    "require_leader",
    "schedule_post_close",
    "step_deadlines",
]
