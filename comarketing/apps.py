from django.apps import AppConfig


class ComarketingConfig(AppConfig):
    name = "comarketing"
    verbose_name = "Co-marketing"

    def ready(self):
        from comarketing import panels, receivers  # noqa: F401  (receivers: email events)
        from comarketing.views.invitation_login import invited_email
        from members import extensions

        extensions.site_menu.register("comarketing/_menu.html", order=30)
        # An invitee with an account in another partnership logs in here to accept.
        extensions.login_invitations.register(invited_email)
        panels.register()
