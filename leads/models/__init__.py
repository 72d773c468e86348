"""The leads app's models, one module per use-case family; every model and every public name
the rest of the code imports from `leads.models` is re-exported here.

- intake: channels and form kinds, Lead, Submission, details_origin.
- inquiries: Inquiry, InquiryResponse and the reply-deadline rule.
- transactions: Transaction, its team committee, leader choice and timeline.
- disclosures: documents in private storage, the customer's disclosures, the access log.
- postclose: post-close steps, handoff meeting and evaluation, thank-you letter, interactions.
"""

from leads.models.disclosures import (
    Disclosure,
    DisclosureCover,
    PrivateStorage,
    TransactionAccess,
    TransactionDocument,
    default_disclosure_covers,
    private_storage,
    transaction_document_path,
)
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
from leads.models.postclose import (
    ClientInteraction,
    HandoffEvaluation,
    HandoffRating,
    InteractionParticipant,
    MeetingProposal,
    PostCloseState,
    PostCloseStep,
    ThankYouLetter,
)
from leads.models.transactions import (
    COMMITTEE_MINIMUM,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionEvent,
    TransactionKind,
    TransactionStage,
    is_forming,
)

__all__ = [
    "ANSWERED_IN_TIME",
    "ANSWERED_LATE",
    "COMMITTEE_MINIMUM",
    "DETAILS_ORIGINS",
    "REFERRED_TO_COLLEAGUE",
    "REFERRED_TO_ME",
    "REFERRED_TO_PARTNERSHIP",
    "UNKNOWN_ORIGIN",
    "Channel",
    "ChannelMixin",
    "ClientInteraction",
    "Disclosure",
    "DisclosureCover",
    "FormKind",
    "HandoffEvaluation",
    "HandoffRating",
    "Inquiry",
    "InquiryResponse",
    "InquiryState",
    "InteractionParticipant",
    "Lead",
    "LeaderAgreement",
    "LeaderProposal",
    "MeetingProposal",
    "Need",
    "PostCloseState",
    "PostCloseStep",
    "PrivateStorage",
    "Submission",
    "TeamMember",
    "ThankYouLetter",
    "Timeframe",
    "Transaction",
    "TransactionAccess",
    "TransactionDocument",
    "TransactionEvent",
    "TransactionKind",
    "TransactionStage",
    "awaiting_at",
    "default_disclosure_covers",
    "details_origin",
    "first_submission",
    "is_forming",
    "overdue_at",
    "private_storage",
    "transaction_document_path",
]
