from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "transactions"
    verbose_name = "Transactions"

    def ready(self):
        from leads import extensions as lead_extensions
        from pinnacle.mail.categories import register_outreach_template
        from transactions import (
            panels,
            receivers,  # noqa: F401  (demo data through the demo_seeded signal)
        )
        from transactions.selectors import sealing

        # The lead's timeline and the leads list seal what a transaction's team writes about
        # its customer; leads refuses to show either until this is registered.
        lead_extensions.register_confidentiality(sealing.CONFIDENTIALITY)
        panels.register()
        # The thank-you letter asks for referrals: it carries the one-click opt-out, and an
        # address that opted out or bounced gets the printed letter instead. (Its template
        # keeps the name it was sent under when it was the leads app's.)
        register_outreach_template("leads/thank_you_letter")
