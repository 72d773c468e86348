"""The transactions app's rows about a person (pinnacle.privacy.registry): the transactions of
their leads, with what was written and uploaded about them, and authorizations naming them."""

from pinnacle.privacy.registry import Erase, Provider, by_email, either, linked
from transactions.models import (
    ClientInteraction,
    Disclosure,
    HandoffEvaluation,
    ThankYouLetter,
    Transaction,
    TransactionDocument,
    TransactionEvent,
)

OF_TRANSACTION = linked("transaction_id", "transactions.Transaction")
KEPT = "The transaction's record (stages, team, dates) stays, with nothing naming the customer."

PROVIDERS = [
    Provider(
        model=Transaction,
        find=linked("lead_id", "leads.Lead"),
        fields={"property_address": Erase.BLANK},
        about="The person's transactions (as the customer)",
        kept=KEPT,
    ),
    Provider(
        model=TransactionEvent,
        find=OF_TRANSACTION,
        fields={"body": Erase.BLANK},
        about="Their transactions' timelines",
        kept=KEPT,
    ),
    Provider(
        model=TransactionDocument,
        find=OF_TRANSACTION,
        fields={"file": Erase.FILE},
        about="Documents uploaded to their transactions (the files are deleted)",
        kept=KEPT,
    ),
    Provider(
        model=Disclosure,
        find=either(OF_TRANSACTION, by_email("grantee_email")),
        fields={
            "grantee_name": Erase.NAME,
            "grantee_email": Erase.EMAIL,
            "scope": Erase.BLANK,
            "signed_document": Erase.FILE,
        },
        about="Authorizations on their transactions, or naming them as the one authorized",
        kept="Who recorded or revoked an authorization, and when, stays.",
    ),
    Provider(
        model=ThankYouLetter,
        find=OF_TRANSACTION,
        fields={"body": Erase.BLANK, "mailing_address": Erase.BLANK},
        about="Thank-you letters to them",
        kept=KEPT,
    ),
    Provider(
        model=ClientInteraction,
        find=OF_TRANSACTION,
        fields={"body": Erase.BLANK},
        about="Interactions with them recorded on their transactions",
        kept=KEPT,
    ),
    Provider(
        model=HandoffEvaluation,
        find=OF_TRANSACTION,
        fields={"notes": Erase.BLANK},
        about="Post-close handoff evaluations of their transactions",
        kept=KEPT,
    ),
]
