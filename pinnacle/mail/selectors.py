"""Reads about the emails sent about a row (an invitation, a lead ...), for lists and pages; and
the outbox's state across partnerships, for the operator (/metrics, /healthz)."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Model, OuterRef, Subquery

from pinnacle.mail.models import OutboxMessage
from pinnacle.rls import owner_alias


def latest_email_status(model: type[Model]) -> Subquery:
    """Annotation: the status of the newest email about each row of `model` (None if none).
    Use as `.annotate(email_status=latest_email_status(Invitation))`; one subquery, no N+1."""
    emails = OutboxMessage.objects.filter(
        partnership=OuterRef("partnership"),
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
    )
    return Subquery(emails.order_by("-created_at", "-pk").values("status")[:1])


def outbox_counts_by_status() -> dict[str, int]:
    """Every partnership's outbox rows by status, read on the owner's connection (the operator's
    view across tenants, for /metrics; the app's connection sees one partnership's rows)."""
    rows = OutboxMessage.objects.using(owner_alias()).order_by().values("status")
    return {row["status"]: row["count"] for row in rows.annotate(count=Count("pk"))}


def oldest_due_outbox_age(now: datetime) -> float | None:
    """Seconds the oldest queued row has been due, across partnerships (None: nothing is due).
    Served by the partial index of queued rows (`outbox_pending_idx`)."""
    oldest = (
        OutboxMessage.objects.using(owner_alias())
        .filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
        .aggregate(oldest=Min("next_attempt_at"))["oldest"]
    )
    return None if oldest is None else max((now - oldest).total_seconds(), 0.0)
