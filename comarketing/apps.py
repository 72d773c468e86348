from django.apps import AppConfig


class ComarketingConfig(AppConfig):
    name = "comarketing"
    verbose_name = "Co-marketing"

    def ready(self):
        from comarketing import receivers  # noqa: F401  (invitation statuses from email events)
        from members import extensions

        extensions.site_menu.register("comarketing/_menu.html", order=30)
