"""The advocates app's reactions to other apps' events: the demo partnership gets its demo
circle; a referral follows its transaction's stage."""

from django.dispatch import receiver

from advocates.demo import seed_demo_advocates
from advocates.services.referrals import follow_transaction
from members.signals import demo_seeded
from transactions.signals import transaction_stage_changed

receiver(demo_seeded, dispatch_uid="advocates.demo")(seed_demo_advocates)


@receiver(transaction_stage_changed, dispatch_uid="advocates.referrals.follow_transaction")
def _referrals_follow_transaction(sender, transaction, **kwargs):
    follow_transaction(transaction_=transaction)
