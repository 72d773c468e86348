"""`python manage.py seed_demo`: two demo partnerships with members of every kind.

The data and the seeding live in members/demo.py (and each app's own demo module); this command
runs it and prints where to log in. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from members import demo
from members.models import Member
from pinnacle.models import Partnership

DEV_PORT = "8000"


def plural(word: str, n: int) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


class Command(BaseCommand):
    help = "Create or refresh the demo partnerships, members and logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set the demo logins' passwords back to {demo.DEMO_PASSWORD!r}.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        seeded = demo.seed_demo(reset_passwords=reset_passwords, stdout=self.stdout)
        self.print_summary(seeded)

    # Output -----------------------------------------------------------------------------------

    def url_for(self, partnership: Partnership) -> str:
        if partnership.slug == settings.DEFAULT_PARTNERSHIP and not partnership.domain:
            return f"http://127.0.0.1:{DEV_PORT}/"
        return f"http://{partnership.host}:{DEV_PORT}/"

    def print_summary(self, seeded: demo.DemoSeeded) -> None:
        write, style = self.stdout.write, self.style
        made = ", ".join(f"{n} {plural(what, n)}" for what, n in seeded.created.items())
        write(style.SUCCESS(f"Demo data ready; created this run: {made}."))
        for partnership, logins in seeded.partnerships:
            members = Member.objects.for_partnership(partnership)
            counts = {kind.label: members.filter(kind=kind).count() for kind in Member.Kind}
            write("")
            write(style.MIGRATE_HEADING(f"{partnership.name}  ({self.url_for(partnership)})"))
            unlisted = members.filter(is_listed=False).count()
            kinds = ", ".join(f"{n} {plural(label.lower(), n)}" for label, n in counts.items())
            write(f"  {members.count()} members ({unlisted} unlisted): {kinds}")
            for user in logins:
                member = user.membership_in(partnership)
                write(f"  login {user.email:<28} {member.display_name}, {member.job_title}")
        write("")
        write(f"  superuser {demo.SUPERUSER_EMAIL} (Django admin at /admin/, every partnership)")
        write(
            f"Every login above uses the password {demo.DEMO_PASSWORD!r}: set when the user is "
            "first created; run with --reset-passwords to set it again."
        )
        write("Other seeded members (firstname.lastname@example.com) cannot log in.")
