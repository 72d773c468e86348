from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from members import (
            extensions,
            receivers,  # noqa: F401  (the policy for every new partnership; its demo)
        )
        from members.views import governance

        # The policy is every member's: in the site menu, and on the dashboard while a
        # revision is open for their vote.
        extensions.site_menu.register("members/policy/_menu.html", order=40)
        extensions.dashboard_panels.register(
            "members/policy/_vote_panel.html", governance.vote_panel, 5
        )
