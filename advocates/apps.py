from django.apps import AppConfig


class AdvocatesConfig(AppConfig):
    name = "advocates"
    verbose_name = "Advocate CRM"

    def ready(self):
        from advocates import (
            panels,
            receivers,  # noqa: F401  (demo data through the demo_seeded signal)
        )

        panels.register()
