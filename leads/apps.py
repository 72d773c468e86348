from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        from leads import receivers  # noqa: F401  (demo data through the demo_seeded signal)
        from leads.views import panels
        from members import extensions

        extensions.site_menu.register("leads/_menu.html", order=10)
        extensions.leadership_menu.register("leads/_leadership_menu.html", order=10)
        # The directory profile offers "Connect / express interest"; the dashboard shows the
        # member's referral link and the inquiries waiting for their reply.
        extensions.profile_actions.register("leads/_profile_actions.html")
        extensions.dashboard_panels.register(
            "leads/_referral_panel.html", panels.referral_panel, 10
        )
        extensions.dashboard_panels.register("leads/_inquiry_panel.html", panels.inquiry_panel, 20)
