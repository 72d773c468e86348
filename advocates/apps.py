from django.apps import AppConfig


class AdvocatesConfig(AppConfig):
    name = "advocates"
    verbose_name = "Advocate CRM"

    def ready(self):
        from advocates import (
            panels,
            receivers,  # noqa: F401  (demo data through the demo_seeded signal)
        )
        from advocates.selectors.contact_sources import circle_contacts
        from advocates.services.plans import start_partnership_plans
        from members.extensions import contact_sources
        from pinnacle.services import register_partnership_set_up

        register_partnership_set_up("advocates: the default plans", start_partnership_plans)
        panels.register()
        # The co-marketing invitation's picker finds the member's own inner circle.
        contact_sources.register(circle_contacts)
