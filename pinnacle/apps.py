from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db import models
from django.db.models.functions import Lower


class PinnacleConfig(AppConfig):
    default = True
    name = "pinnacle"
    verbose_name = "Partnerships"

    def ready(self):
        from django.db.models.signals import post_migrate

        from pinnacle.privacy import hashing  # noqa: F401 (its deploy check)
        from pinnacle.ratelimit import let_allauth_through_when_redis_is_down
        from pinnacle.rls import on_post_migrate
        from pinnacle.telemetry import receivers

        # Row-level security for every tenant table, new ones included (pinnacle/rls.py).
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="pinnacle.rls")

        let_allauth_through_when_redis_is_down()
        # Login failures and webhook events counted, request ids carried into tasks, sweeps'
        # runs recorded (pinnacle/telemetry).
        receivers.connect()
        # `email__lower=address.lower()` compiles to LOWER("email") = %s, which the indexes on
        # Lower("email") serve; `email__iexact` compiles to UPPER(...) and misses them.
        models.EmailField.register_lookup(Lower)


class PinnacleAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "pinnacle.admin_site.PinnacleAdminSite"
