from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PinnacleConfig(AppConfig):
    default = True
    name = "pinnacle"
    verbose_name = "Partnerships"


class PinnacleAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "pinnacle.admin_site.PinnacleAdminSite"
