from django.dispatch import receiver

from leads.demo import seed_demo_leads
from leads.demo_transactions import seed_demo_transactions
from members.signals import demo_seeded

# Receivers run in the order they are connected: transactions need the demo leads.
receiver(demo_seeded, dispatch_uid="leads.demo")(seed_demo_leads)
receiver(demo_seeded, dispatch_uid="leads.demo_transactions")(seed_demo_transactions)
