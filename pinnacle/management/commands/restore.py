"""`python manage.py restore BACKUP --database NAME [--force]`: a backup (pinnacle/backups.py)
into the database NAME on the owner's server, its files into MEDIA_ROOT and PRIVATE_MEDIA_ROOT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pinnacle.backups import BackupRefused, restore


class Command(BaseCommand):
    help = "Restore a backup directory into a database (created when missing) and the file roots."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A directory `make backup` wrote.")
        parser.add_argument("--database", required=True, help="The database to restore into.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that already holds tables (its objects the backup "
            "also has are dropped and made again).",
        )
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument("--private-root", type=Path, default=None)

    def handle(self, *args, **options):
        try:
            restored = restore(
                source=options["backup"],
                database=options["database"],
                force=options["force"],
                media_root=options["media_root"],
                private_root=options["private_root"],
            )
        except BackupRefused as refused:
            raise CommandError(str(refused)) from refused
        role = f"; app role {restored.app_role} granted" if restored.app_role else ""
        self.stdout.write(
            f"Restored {restored.tables} tables into {restored.database} and "
            f"{restored.files} files{role}. Point DATABASE_URL (and DATABASE_OWNER_URL) at it."
        )
