from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        from members import extensions

        # The directory profile offers "Connect / express interest"; the dashboard shows inquiries.
        extensions.profile_actions.append("leads/_profile_actions.html")
        extensions.dashboard_panels.append("leads/_dashboard_panel.html")
        from leads import receivers  # noqa: F401
