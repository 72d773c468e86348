"""The prospect's personal access link (from the welcome email)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from leads.models import Lead
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import confirm_link_visit

# The emails whose link opens the prospect's access page.
ACCESS_LINK_TEMPLATES = ("leads/welcome",)


def confirm_prospect_access(lead: Lead) -> int:
    """A person (not a link scanner) saw the access page: the emails that carried the link count
    as clicked. Returns how many emails were confirmed now."""
    emails = OutboxMessage.objects.for_partnership(lead.partnership).filter(
        content_type=ContentType.objects.get_for_model(Lead),
        object_id=lead.pk,
        template__in=ACCESS_LINK_TEMPLATES,
        link_confirmed_at__isnull=True,
    )
    return sum(confirm_link_visit(message) for message in emails)
