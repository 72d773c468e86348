"""Transaction use cases, one module per family: lifecycle (opening one, its stage and its
details), team (its team committee, a lone member as the whole team), leader (its leader),
records (notes, documents, the customer's written authorizations), customer (the customer's
link), postclose (the post-close steps: their deadlines in postclose.steps, the handoff meeting
in postclose.handoff, leadership's first client interaction in postclose.interaction, beat's
reminders and escalations in postclose.sweep) and thank_you (the letter). What they share (the
locked row, the seat check, the audit record) is in committee; their timeline writer in events.

Every refusal is a `TransactionRefused` whose message is written for the person who asked;
views and admin show it with `pinnacle.refusals.refused_into`."""

from leads.services import LeadRefused


class TransactionRefused(LeadRefused):
    """A request about a transaction the partnership's rules do not allow; the message says why,
    for the asker. A kind of `LeadRefused` because a transaction is a lead's next step: whoever
    answers a refusal about a lead (the lead page's extension points, advocates' referral
    recording) answers one about its transaction too."""
