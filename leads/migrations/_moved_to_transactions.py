"""The callables leads' migrations 0004-0009 name, from when transactions were the leads app's.
Those models now live in the transactions app (its migration 0001 takes them over, with the
same tables); leads must not import it, so its old migrations keep these copies. They only
build the historical states, and replay 0009's default on a fresh database, so they keep the
values those migrations were written with. (The migration loader skips modules named `_…`.)"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def transaction_document_path(instance, filename: str) -> str:
    return f"transactions/{instance.partnership_id}/{instance.transaction_id}/{filename}"


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=str(settings.PRIVATE_MEDIA_ROOT))


def default_disclosure_covers() -> list[str]:
    return ["stage", "team"]
