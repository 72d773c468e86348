"""The leads app's models, one module per use-case family; every model and every public name
the rest of the code imports from `leads.models` is re-exported here.

- intake: channels and form kinds, Lead, Submission, details_origin.
- inquiries: Inquiry, InquiryResponse and the reply-deadline rule.

A lead's transactions (their committees, documents, post-close follow-up) are the
transactions app's.
"""

from leads.models.inquiries import (
    ANSWERED_IN_TIME,
    ANSWERED_LATE,
    Inquiry,
    InquiryResponse,
    InquiryState,
    awaiting_at,
    overdue_at,
)
from leads.models.intake import (
    DETAILS_ORIGINS,
    REFERRED_TO_COLLEAGUE,
    REFERRED_TO_ME,
    REFERRED_TO_PARTNERSHIP,
    UNKNOWN_ORIGIN,
    Channel,
    ChannelMixin,
    FormKind,
    Lead,
    Need,
    Submission,
    Timeframe,
    details_origin,
    first_submission,
)

__all__ = [
    "ANSWERED_IN_TIME",
    "ANSWERED_LATE",
    "DETAILS_ORIGINS",
    "REFERRED_TO_COLLEAGUE",
    "REFERRED_TO_ME",
    "REFERRED_TO_PARTNERSHIP",
    "UNKNOWN_ORIGIN",
    "Channel",
    "ChannelMixin",
    "FormKind",
    "Inquiry",
    "InquiryResponse",
    "InquiryState",
    "Lead",
    "Need",
    "Submission",
    "Timeframe",
    "awaiting_at",
    "details_origin",
    "first_submission",
    "overdue_at",
]
