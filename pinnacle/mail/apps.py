from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "pinnacle.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self):
        # Connects anymail's tracking signal and registers the webhook secret's deploy check.
        from pinnacle.mail import receivers, webhooks  # noqa: F401
