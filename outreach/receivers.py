from django.dispatch import receiver

from members.signals import demo_seeded
from outreach.demo import seed_demo_outreach

receiver(demo_seeded, dispatch_uid="outreach.demo")(seed_demo_outreach)
