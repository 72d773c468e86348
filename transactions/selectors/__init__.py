"""Transaction selectors: who may see a transaction, what is sealed, and the lists. Every name
the rest of the code imports from `transactions.selectors` is re-exported here.

- sight: the confidentiality rule (who may see a transaction and what of it) and the access log.
- sealing: the team's free text and emails about the customer on the lead's timeline.
- lists: the list, the team page and exports, and the parts of one transaction's page.
- rows: one row of a transaction by its id (`seat_for`, `document_for`, ...), or 404.
"""

from transactions.selectors.lists import (
    FORMING,
    TRANSACTIONS_PER_PAGE,
    access_log_of,
    disclosures_of,
    documents_of,
    list_page,
    open_proposal,
    team_of,
    team_size,
    timeline_of,
    transactions_for_list,
    transactions_matching,
    with_list_columns,
)
from transactions.selectors.rows import (
    disclosure_for,
    document_for,
    event_for,
    proposal_for,
    seat_for,
)
from transactions.selectors.sealing import (
    email_sealed,
    free_text_sealed,
    sealed_seats,
)
from transactions.selectors.sight import (
    ALL_COVERS,
    EVENT_COVERS,
    GRANT_ORDER,
    LEADERSHIP_SIGHT,
    TEAM_SIGHT,
    Access,
    Cover,
    Sight,
    access_to,
    covering,
    live_disclosures,
    on_team,
    outside_looks,
    sight_annotations,
    sight_for,
    sight_of,
    sight_of_grants,
    team_transactions,
    transaction_for,
    transactions_covering,
    visible_transactions,
)

__all__ = [
    "ALL_COVERS",
    "EVENT_COVERS",
    "FORMING",
    "GRANT_ORDER",
    "LEADERSHIP_SIGHT",
    "TEAM_SIGHT",
    "TRANSACTIONS_PER_PAGE",
    "Access",
    "Cover",
    "Sight",
    "access_log_of",
    "access_to",
    "covering",
    "disclosure_for",
    "disclosures_of",
    "document_for",
    "documents_of",
    "email_sealed",
    "event_for",
    "free_text_sealed",
    "list_page",
    "live_disclosures",
    "on_team",
    "open_proposal",
    "outside_looks",
    "proposal_for",
    "sealed_seats",
    "seat_for",
    "sight_annotations",
    "sight_for",
    "sight_of",
    "sight_of_grants",
    "team_of",
    "team_size",
    "team_transactions",
    "timeline_of",
    "transaction_for",
    "transactions_covering",
    "transactions_for_list",
    "transactions_matching",
    "visible_transactions",
    "with_list_columns",
]
