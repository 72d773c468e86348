"""Lead use cases, one module per family: intake (forms → leads, the three emails), inquiries
(prospects expressing interest, members' replies within the policy's hours, the deadline sweep),
access (the prospect's link) and exports.

A lead's transactions: transactions (opening one, its stage and details), transaction_team
(its team committee, a lone member as the whole team), transaction_leader (its leader),
transaction_records (notes, documents, the customer's written authorizations), customer (the
customer's link), postclose (the post-close steps: their deadlines in postclose_steps, the
handoff meeting in postclose_handoff, leadership's first client interaction in
postclose_interaction), postclose_sweep (beat's reminders and escalations) and thank_you (the
letter). What they share (the locked row, the seat check, the audit record) is in committee; their
timeline writer in events.

Every refusal is a `LeadRefused` whose message is written for the person who asked; views and
admin show it as it is."""

from pinnacle.refusals import Refused


class LeadRefused(Refused):
    """A request the partnership's rules do not allow; the message says why, for the asker."""
