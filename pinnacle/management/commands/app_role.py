"""`python manage.py app_role`: create the app role `DATABASE_URL` names and grant it the data.

Runs on the owner's connection (`DATABASE_OWNER_URL`), after `migrate`: the role logs in with
`DATABASE_URL`'s user and password (none: the server's trust or peer rules decide), is no
superuser, cannot bypass row-level security and owns nothing; it gets SELECT/INSERT/UPDATE/DELETE
on every table and the sequences, and the same on tables later migrations create. Idempotent.
With one URL for both (DATABASE_OWNER_URL unset) there is no app role to make: the wall is off.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from pinnacle.rls import apply_policies, ensure_app_role, owner_alias


class Command(BaseCommand):
    help = "Create or update the app role of DATABASE_URL and its grants (run as the owner)."

    def handle(self, *args, **options):
        if owner_alias() == "default":
            self.stdout.write(
                "DATABASE_OWNER_URL is unset or names DATABASE_URL's role: one role, no app role "
                "to create (row-level security does not hold a table's owner or a superuser)."
            )
            return
        app = settings.DATABASES["default"]
        ensure_app_role(app["USER"], app.get("PASSWORD") or "", using="owner")
        apply_policies(using="owner")
        self.stdout.write(f"App role {app['USER']} ready.")
