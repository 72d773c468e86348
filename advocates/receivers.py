from django.dispatch import receiver

from advocates.demo import seed_demo_advocates
from members.signals import demo_seeded

receiver(demo_seeded, dispatch_uid="advocates.demo")(seed_demo_advocates)
