from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "pinnacle.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self):
        from pinnacle.mail import receivers  # noqa: F401  (connects anymail's tracking signal)
