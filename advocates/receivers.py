"""The advocates app's reactions to other apps' events: every partnership starts with both
appreciation plans; the demo partnership gets its demo circle."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from advocates.demo import seed_demo_advocates
from advocates.services.plans import ensure_templates
from advocates.services.referrals import follow_transaction
from members.signals import demo_seeded
from pinnacle.models import Partnership
from transactions.signals import transaction_stage_changed

receiver(demo_seeded, dispatch_uid="advocates.demo")(seed_demo_advocates)


@receiver(post_save, sender=Partnership, dispatch_uid="advocates.partnership_plans")
def partnership_created(sender, instance: Partnership, created: bool, raw: bool = False, **kwargs):
    """The 33-touch yearly plan and the new contacts' 8-in-8 exist from the partnership's first
    moment, whoever creates it (admin, seed_demo, the shell)."""
    if created and not raw:
        ensure_templates(instance)


@receiver(transaction_stage_changed, dispatch_uid="advocates.referrals.follow_transaction")
def _referrals_follow_transaction(sender, transaction, **kwargs):
    follow_transaction(transaction_=transaction)
