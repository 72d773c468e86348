from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach"

    def ready(self):
        from outreach import (
            panels,
            receivers,  # noqa: F401  (demo data through the demo_seeded signal)
        )

        panels.register()
