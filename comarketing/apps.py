from django.apps import AppConfig


class ComarketingConfig(AppConfig):
    name = "comarketing"
    verbose_name = "Co-marketing"

    def ready(self):
        from comarketing import panels, receivers  # noqa: F401  (receivers: email events)
        from members import extensions

        extensions.site_menu.register("comarketing/_menu.html", order=30)
        panels.register()
