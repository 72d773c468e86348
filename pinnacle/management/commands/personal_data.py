"""`python manage.py personal_data export|erase --partnership SLUG --email ADDRESS`: an operator's
way to the same services leadership's admin pages call (pinnacle/privacy/services.py), within the
partnership's row-level security scope; audited like theirs (no actor: an operator)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from pinnacle.models import Partnership
from pinnacle.privacy.services import (
    PrivacyRefused,
    erase_personal_data,
    export_json,
    export_personal_data,
)
from pinnacle.tenancy import tenant_scope


class Command(BaseCommand):
    help = "Export (JSON) or erase everything a partnership holds about an email address."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--partnership", required=True, help="The partnership's slug.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--output", help="export: write the JSON to this file.")
        parser.add_argument(
            "--yes", action="store_true", help="erase: do not ask to type the address again."
        )

    def handle(self, *args, action, partnership, email, output, yes, **options):
        found = Partnership.objects.filter(slug=partnership).first()
        if found is None:
            raise CommandError(f"No partnership with the slug {partnership!r}.")
        try:
            with tenant_scope(found):
                if action == "export":
                    self._export(found, email, output)
                else:
                    self._erase(found, email, yes)
        except PrivacyRefused as refused:
            raise CommandError(str(refused)) from refused

    def _export(self, partnership, email, output):
        text = export_json(export_personal_data(partnership=partnership, email=email))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Written to {output}")
        else:
            self.stdout.write(text)

    def _erase(self, partnership, email, yes):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Erasing cannot be undone: pass --yes, or run it in a terminal.")
            typed = input(f"Erase everything {partnership.name} holds about it? Type the address: ")
            if typed.strip().lower() != email.strip().lower():
                raise CommandError("The address typed does not match: nothing erased.")
        erased = erase_personal_data(partnership=partnership, email=email)
        self.stdout.write(
            f"Erased: {erased.rows} rows anonymised, {erased.files} files deleted, the address cut "
            f"out of {erased.scrubbed} other rows. Opt-outs and suppressions still hold."
        )
