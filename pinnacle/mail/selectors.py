"""Reads about the emails sent about a row (an invitation, a lead ...), for lists and pages."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, Subquery

from pinnacle.mail.models import OutboxMessage


def latest_email_status(model: type[Model]) -> Subquery:
    """Annotation: the status of the newest email about each row of `model` (None if none).
    Use as `.annotate(email_status=latest_email_status(Invitation))`; one subquery, no N+1."""
    emails = OutboxMessage.objects.filter(
        partnership=OuterRef("partnership"),
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
    )
    return Subquery(emails.order_by("-created_at", "-pk").values("status")[:1])
