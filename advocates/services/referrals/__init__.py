"""Referrals both ways between a member and a contact, their stages, and the progress notes that
keep the referrer informed (seed 5.5: "Keep the referrer informed of the progress of the
transaction").

A referral received from a contact joins the partnership's intake as a lead (the advocate
referral entry point: no email to the lead). Its stage moves by hand or follows the lead's
transaction, but only when the referral's owner may see that transaction. Nothing here goes to
the audit log: it would name a member's contacts to leadership.

Modules:
- `recording`: a referral received (it becomes a lead), sent, or given its email later.
- `stages`: moving a referral's stage by hand or following the lead's transaction.
- `progress`: the progress note that keeps the referrer informed.
"""

from .progress import (
    PROGRESS_WORDS,
    dismiss_progress_note,
    preview_progress_note,
    progress_prompt,
    send_progress_note,
)
from .recording import (
    MIN_PHONE_DIGITS,
    add_referral_email,
    record_referral_received,
    record_referral_sent,
)
from .stages import (
    FINAL_STAGES,
    FOLLOW,
    MAX_VALUE,
    OPEN_STAGES,
    advance_referral,
    follow_transaction,
)

__all__ = [
    "FINAL_STAGES",
    "FOLLOW",
    "MAX_VALUE",
    "MIN_PHONE_DIGITS",
    "OPEN_STAGES",
    "PROGRESS_WORDS",
    "add_referral_email",
    "advance_referral",
    "dismiss_progress_note",
    "follow_transaction",
    "preview_progress_note",
    "progress_prompt",
    "record_referral_received",
    "record_referral_sent",
    "send_progress_note",
]
