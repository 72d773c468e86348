"""The transactions app's models, one module per use-case family; every model and every public
name the rest of the code imports from `transactions.models` is re-exported here. The tables
keep the names they had in leads (`leads_<model>`): the app moved, the data did not.

- transaction: Transaction, its team committee, leader choice and timeline.
- disclosures: documents in private storage, the customer's disclosures, the access log.
- postclose: post-close steps, handoff meeting and evaluation, thank-you letter, interactions.
"""

from transactions.models.disclosures import (
    Disclosure,
    DisclosureCover,
    PrivateStorage,
    TransactionAccess,
    TransactionDocument,
    default_disclosure_covers,
    private_storage,
    transaction_document_path,
)
from transactions.models.postclose import (
    ClientInteraction,
    HandoffEvaluation,
    HandoffRating,
    InteractionParticipant,
    MeetingProposal,
    PostCloseState,
    PostCloseStep,
    ThankYouLetter,
)
from transactions.models.transaction import (
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
    "COMMITTEE_MINIMUM",
    "ClientInteraction",
    "Disclosure",
    "DisclosureCover",
    "HandoffEvaluation",
    "HandoffRating",
    "InteractionParticipant",
    "LeaderAgreement",
    "LeaderProposal",
    "MeetingProposal",
    "PostCloseState",
    "PostCloseStep",
    "PrivateStorage",
    "TeamMember",
    "ThankYouLetter",
    "Transaction",
    "TransactionAccess",
    "TransactionDocument",
    "TransactionEvent",
    "TransactionKind",
    "TransactionStage",
    "default_disclosure_covers",
    "is_forming",
    "private_storage",
    "transaction_document_path",
]
