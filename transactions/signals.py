from django.dispatch import Signal

# Sent by the transaction services inside their database transaction when a transaction is
# opened or its stage changes, so apps built on leads (the advocate CRM's referrals) follow it.
# Arguments: transaction (leads.models.Transaction, its new stage already saved).
transaction_stage_changed = Signal()
