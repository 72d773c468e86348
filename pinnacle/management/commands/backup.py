"""`python manage.py backup`: the database (pg_dump, custom format, as the owner role) and the
uploaded and private files in one directory under BACKUP_DIR (pinnacle/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pinnacle.backups import BackupRefused, backup


class Command(BaseCommand):
    help = "Back up the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT into one directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup-dir", type=Path, default=None, help="Where to write it (BACKUP_DIR)."
        )

    def handle(self, *args, backup_dir: Path | None, **options):
        try:
            written = backup(backup_dir=backup_dir or Path(settings.BACKUP_DIR))
        except BackupRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Backup written to {written}")
