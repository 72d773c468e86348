"""Lead use cases, one module per family: intake (forms → leads, the three emails), inquiries
(prospects expressing interest, members' replies within the policy's hours, the deadline sweep),
access (the prospect's link) and exports. A lead's transactions are the transactions app's
(transactions.services), which refuses with `TransactionRefused`, a kind of `LeadRefused`.

Every refusal is a `LeadRefused` whose message is written for the person who asked; views and
admin show it as it is."""

from pinnacle.refusals import Refused


class LeadRefused(Refused):
    """A request the partnership's rules do not allow; the message says why, for the asker."""
