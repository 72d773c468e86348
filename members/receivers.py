"""Members' reactions to other apps' events: every partnership starts with its policy; the demo
partnership gets its policy governance demo."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from members.demo_policy import seed_demo_policy
from members.governance import ensure_policy
from members.signals import demo_seeded
from pinnacle.models import Partnership


@receiver(post_save, sender=Partnership, dispatch_uid="members.partnership_policy")
def partnership_created(sender, instance: Partnership, created: bool, raw: bool = False, **kwargs):
    """Version 1 of the engagement policy exists from the partnership's first moment,
    whoever creates it (admin, seed_demo, the shell)."""
    if created and not raw:
        ensure_policy(instance)


receiver(demo_seeded, dispatch_uid="members.demo_policy")(seed_demo_policy)
