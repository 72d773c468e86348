from django.dispatch import receiver

from members.signals import demo_seeded
from transactions.demo.stories import seed_demo_transactions

# Receivers run in the order they are connected: transactions need the demo leads, whose
# receiver leads (before transactions in INSTALLED_APPS) connected first.
receiver(demo_seeded, dispatch_uid="transactions.demo")(seed_demo_transactions)
