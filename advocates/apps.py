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
        from members.extensions import contact_sources

        panels.register()
        # The co-marketing invitation's picker finds the member's own inner circle.
        contact_sources.register(circle_contacts)
