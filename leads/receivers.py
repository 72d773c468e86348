from django.dispatch import receiver

from leads.demo import seed_demo_leads
from members.signals import demo_seeded

receiver(demo_seeded, dispatch_uid="leads.demo")(seed_demo_leads)
