from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        from leads import (
            receivers,  # noqa: F401  (demo data through the demo_seeded signal)
            transaction_panels,
        )
        from leads.views import panels
        from members import extensions
        from pinnacle.mail.categories import register_outreach_template

        extensions.site_menu.register("leads/_menu.html")
        # The directory profile offers "Connect / express interest"; the dashboard shows the
        # member's referral link and the inquiries waiting for their reply.
        extensions.profile_actions.register("leads/_profile_actions.html")
        extensions.dashboard_panels.register(
            "leads/_referral_panel.html", panels.referral_panel, 10
        )
        extensions.dashboard_panels.register("leads/_inquiry_panel.html", panels.inquiry_panel, 20)
        # Transactions on the lead's page, the leads list, the dashboard and the menu, each
        # shown only to those who may see them; then leadership's post-close board.
        transaction_panels.register()
        extensions.site_menu.register("leads/postclose/_menu.html", panels.post_close_menu)
        extensions.dashboard_panels.register(
            "leads/postclose/_dashboard_panel.html", panels.post_close_panel, 25
        )
        # The thank-you letter asks for referrals: it carries the one-click opt-out, and an
        # address that opted out or bounced gets the printed letter instead.
        register_outreach_template("leads/thank_you_letter")
