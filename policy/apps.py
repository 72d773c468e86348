from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = "Engagement policy"

    def ready(self):
        from members import extensions
        from members.signals import demo_seeded
        from pinnacle.services import register_partnership_set_up
        from policy.demo.seed import seed_demo_policy
        from policy.services.versions import start_partnership_policy
        from policy.views.document import vote_panel

        register_partnership_set_up("policy: version 1", start_partnership_policy)
        demo_seeded.connect(seed_demo_policy, dispatch_uid="policy.demo")
        # The policy is every member's: in the site menu, and on the dashboard while a
        # revision is open for their vote.
        extensions.site_menu.register("policy/_menu.html", order=60)
        extensions.leadership_menu.register("policy/_leadership_menu.html", order=60)
        extensions.dashboard_panels.register("policy/_vote_panel.html", vote_panel, 5)
